macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize,
            ::utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(::uuid::Uuid);

        impl $name {
            /// A new, random identifier (UUID v7: time-ordered, so lists page stably).
            pub fn generate() -> Self {
                Self(::uuid::Uuid::now_v7())
            }

            pub const fn from_uuid(uuid: ::uuid::Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> ::uuid::Uuid {
                self.0
            }

            /// Parses the hyphenated UUID form; anything else is a clear error.
            pub fn parse(input: &str) -> Result<Self, $crate::ValidationError> {
                ::uuid::Uuid::try_parse(input).map(Self).map_err(|_| {
                    $crate::ValidationError::new(
                        $what,
                        format!("`{}` is not a valid UUID", $crate::error::excerpt(input, 64)),
                    )
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

pub(crate) use uuid_id;

uuid_id!(
    /// A tenant (partner or customer). Tenant ids are UUIDs, as in Entra ID.
    TenantId,
    "tenant_id"
);
uuid_id!(
    /// A partner user.
    UserId,
    "user_id"
);
uuid_id!(
    /// A partner security group.
    GroupId,
    "group_id"
);
uuid_id!(
    /// An API token (the identifier, never the secret).
    TokenId,
    "token_id"
);
uuid_id!(
    /// Any record addressed by id where the kind does not matter (audit targets).
    RecordId,
    "id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_id_rejects_non_uuid_with_input_in_message() {
        let err = TenantId::parse("not-a-uuid").unwrap_err();
        assert_eq!(err.field, "tenant_id");
        assert!(err.message.contains("`not-a-uuid`"), "{}", err.message);
    }

    #[test]
    fn tenant_id_round_trips_hyphenated_form() {
        let id = TenantId::parse("62e90394-69f5-4237-9190-012177145e10").unwrap();
        assert_eq!(id.to_string(), "62e90394-69f5-4237-9190-012177145e10");
    }

    #[test]
    fn long_garbage_is_cut_in_the_message() {
        let input = "x".repeat(10_000);
        let err = UserId::parse(&input).unwrap_err();
        assert!(err.message.len() < 200);
    }
}
