//! The `WHERE` clause of a filtered list, holding only the conditions the
//! filter sets.
//!
//! A fixed statement of the form `($1 IS NULL OR column = $1) AND …` reads
//! well but plans badly: neither SQLite nor PostgreSQL (with a generic
//! plan) can use an index or a rowid range for a condition that may be
//! switched off by its parameter, so every such query scans the whole
//! table — the activity stream's cursor read, which detection runs after
//! every batch of decisions, read every stored event before the cursor
//! each time. Writing only the conditions that apply lets the planner use
//! `seq > $n` as a range and the `(column, time)` indexes.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool};

/// One value to bind, in the order its placeholder was numbered.
enum Value {
    Text(String),
    Int(i64),
}

/// Conditions joined with `AND`, their placeholders numbered from `$1`.
#[derive(Default)]
pub(crate) struct Conditions {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Conditions {
    /// Adds `clause` when `value` is set, its `{}` replaced by the value's
    /// placeholder (for example `"user_id = {}"`).
    pub(crate) fn text(&mut self, clause: &str, value: Option<String>) -> &mut Self {
        if let Some(value) = value {
            self.push(clause, Value::Text(value));
        }
        self
    }

    /// [`Conditions::text`] for an integer value.
    pub(crate) fn int(&mut self, clause: &str, value: Option<i64>) -> &mut Self {
        if let Some(value) = value {
            self.push(clause, Value::Int(value));
        }
        self
    }

    fn push(&mut self, clause: &str, value: Value) {
        self.values.push(value);
        let placeholder = format!("${}", self.values.len());
        self.clauses.push(clause.replacen("{}", &placeholder, 1));
    }

    /// ` WHERE a AND b`, or nothing when no condition is set.
    pub(crate) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// The placeholder number after the conditions' own (for `LIMIT`).
    pub(crate) fn next_placeholder(&self) -> usize {
        self.values.len() + 1
    }

    /// `<select> WHERE … <order> LIMIT $n`: `select` is `SELECT … FROM …`,
    /// `order` its `ORDER BY`; the limit's placeholder follows the
    /// conditions' own.
    pub(crate) fn statement(&self, select: &str, order: &str) -> String {
        format!(
            "{select}{} {order} LIMIT ${}",
            self.sql(),
            self.next_placeholder()
        )
    }

    /// Runs [`Conditions::statement`] with its values and `limit`.
    pub(crate) async fn fetch(
        self,
        pool: &AnyPool,
        select: &str,
        order: &str,
        limit: i64,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        let sql = self.statement(select, order);
        self.bind(sqlx::query(&sql))
            .bind(limit)
            .fetch_all(pool)
            .await
    }

    /// Binds the conditions' values to `query`, in placeholder order.
    pub(crate) fn bind<'q>(
        self,
        mut query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        for value in self.values {
            query = match value {
                Value::Text(text) => query.bind(text),
                Value::Int(int) => query.bind(int),
            };
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_set_conditions_are_written_and_numbered_in_order() {
        let mut conditions = Conditions::default();
        conditions
            .text("user_id = {}", None)
            .text("partner_tenant_id = {}", Some("p".into()))
            .int("seq > {}", Some(7))
            .text("id IN (SELECT f FROM c WHERE t = {})", Some("c".into()));
        assert_eq!(
            conditions.sql(),
            " WHERE partner_tenant_id = $1 AND seq > $2 AND id IN (SELECT f FROM c WHERE t = $3)"
        );
        assert_eq!(conditions.next_placeholder(), 4);
        assert_eq!(
            Conditions::default().statement("SELECT a FROM t", "ORDER BY a"),
            "SELECT a FROM t ORDER BY a LIMIT $1"
        );
        assert_eq!(Conditions::default().sql(), "");
        assert_eq!(Conditions::default().next_placeholder(), 1);
    }
}
