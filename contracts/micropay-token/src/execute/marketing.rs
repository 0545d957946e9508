//! Marketing info and logo, as in cw20-base 2.0.

use cosmwasm_std::{DepsMut, MessageInfo, Response};
use cw20::{EmbeddedLogo, Logo, LogoInfo};

use crate::error::{ContractError, ContractResult};
use crate::state::{LOGO, MARKETING_INFO};

const LOGO_SIZE_CAP: usize = 5 * 1024;

fn verify_xml_logo(logo: &[u8]) -> ContractResult<()> {
    let preamble = logo
        .split_inclusive(|c| *c == b'>')
        .next()
        .ok_or(ContractError::InvalidXmlPreamble {})?;
    if !(preamble.starts_with(b"<?xml ") && preamble.ends_with(b"?>")) {
        return Err(ContractError::InvalidXmlPreamble {});
    }
    if logo.len() > LOGO_SIZE_CAP {
        return Err(ContractError::LogoTooBig {});
    }
    Ok(())
}

fn verify_png_logo(logo: &[u8]) -> ContractResult<()> {
    const HEADER: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    if logo.len() > LOGO_SIZE_CAP {
        Err(ContractError::LogoTooBig {})
    } else if !logo.starts_with(&HEADER) {
        Err(ContractError::InvalidPngHeader {})
    } else {
        Ok(())
    }
}

pub fn verify_logo(logo: &Logo) -> ContractResult<()> {
    match logo {
        Logo::Embedded(EmbeddedLogo::Svg(l)) => verify_xml_logo(l),
        Logo::Embedded(EmbeddedLogo::Png(l)) => verify_png_logo(l),
        Logo::Url(_) => Ok(()),
    }
}

pub fn logo_info(logo: &Logo) -> LogoInfo {
    match logo {
        Logo::Url(url) => LogoInfo::Url(url.clone()),
        Logo::Embedded(_) => LogoInfo::Embedded,
    }
}

pub fn update_marketing(
    deps: DepsMut,
    info: MessageInfo,
    project: Option<String>,
    description: Option<String>,
    marketing: Option<String>,
) -> ContractResult {
    let mut m = MARKETING_INFO
        .may_load(deps.storage)?
        .ok_or(ContractError::Unauthorized {})?;
    if m.marketing.as_ref().ok_or(ContractError::Unauthorized {})? != info.sender {
        return Err(ContractError::Unauthorized {});
    }
    match project {
        Some(empty) if empty.trim().is_empty() => m.project = None,
        Some(project) => m.project = Some(project),
        None => (),
    }
    match description {
        Some(empty) if empty.trim().is_empty() => m.description = None,
        Some(description) => m.description = Some(description),
        None => (),
    }
    match marketing {
        Some(empty) if empty.trim().is_empty() => m.marketing = None,
        Some(addr) => m.marketing = Some(deps.api.addr_validate(&addr)?),
        None => (),
    }
    if m.project.is_none() && m.description.is_none() && m.marketing.is_none() && m.logo.is_none() {
        MARKETING_INFO.remove(deps.storage);
    } else {
        MARKETING_INFO.save(deps.storage, &m)?;
    }
    Ok(Response::new().add_attribute("action", "update_marketing"))
}

pub fn upload_logo(deps: DepsMut, info: MessageInfo, logo: Logo) -> ContractResult {
    let mut m = MARKETING_INFO
        .may_load(deps.storage)?
        .ok_or(ContractError::Unauthorized {})?;
    verify_logo(&logo)?;
    if m.marketing.as_ref().ok_or(ContractError::Unauthorized {})? != info.sender {
        return Err(ContractError::Unauthorized {});
    }
    LOGO.save(deps.storage, &logo)?;
    m.logo = Some(logo_info(&logo));
    MARKETING_INFO.save(deps.storage, &m)?;
    Ok(Response::new().add_attribute("action", "upload_logo"))
}
