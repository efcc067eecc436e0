//! Rendering credentials for the user: shell exports or the
//! `credential_process` JSON.
