//! The one integration-test binary (a single binary keeps builds fast).

mod awsfiles_store;
