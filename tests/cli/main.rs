//! The one integration-test binary (a single binary keeps builds fast).

mod support;

mod awsfiles_store;
mod completion;
mod demo;
mod e2e_all_roles;
mod e2e_aws_cli;
mod e2e_cache;
mod e2e_device;
mod e2e_get_cred;
mod e2e_network;
mod logging;
mod man_pages;
mod setup;
mod status;
