pub mod audit;
pub mod groups;
pub mod system;
pub mod tenants;
pub mod tokens;
pub mod users;
