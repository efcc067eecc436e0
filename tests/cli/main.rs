//! The one integration-test binary (a single binary keeps builds fast).

mod support;

mod awsfiles_store;
mod completion;
mod demo;
mod e2e_all_roles;
mod e2e_aws_cli;
mod e2e_get_cred;
mod man_pages;
mod status;
