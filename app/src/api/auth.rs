use crate::AppError;
use crate::domain::{Credentials, SessionInfo};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

/// Signs in and sets the session cookie.
#[server(prefix = "/rpc", endpoint = "login", input = Json)]
pub async fn login(credentials: Credentials) -> Result<SessionInfo, AppError> {
    use super::server::*;
    use switchboard_backend::{login, sessions};
    let state = state()?;
    let parts = parts()?;
    let (token, user) = login::sign_in(
        &state.db,
        &state.settings,
        &state.passwords,
        credentials,
        &parts,
    )
    .await?;
    let secure = switchboard_backend::request_info::secure_cookies(&parts, &state.settings);
    set_header(
        http::header::SET_COOKIE,
        &sessions::set_cookie(&token, &state.settings, secure),
    );
    Ok(user.info())
}

/// Ends the session and clears the cookie.
#[server(prefix = "/rpc", endpoint = "logout", input = Json)]
pub async fn logout() -> Result<(), AppError> {
    use super::server::*;
    use switchboard_backend::sessions;
    let state = state()?;
    let parts = parts()?;
    sessions::end(&state.db, &state.settings, &parts).await?;
    let secure = switchboard_backend::request_info::secure_cookies(&parts, &state.settings);
    for cookie in sessions::clear_cookies(secure) {
        set_header(http::header::SET_COOKIE, &cookie);
    }
    Ok(())
}

/// Who is signed in, if anyone.
#[server(prefix = "/rpc", endpoint = "session", input = GetUrl)]
pub async fn current_session() -> Result<Option<SessionInfo>, AppError> {
    use super::server::*;
    use switchboard_backend::sessions;
    let state = state()?;
    Ok(sessions::resolve(&state.db, &state.settings, &parts()?)
        .await?
        .map(|s| s.info()))
}
