//! The syntax tree of a STIX 2.1 pattern.

use regex::Regex;

/// An observation expression: the part of a pattern outside `[...]`.
#[derive(Debug, Clone, PartialEq)]
pub enum ObservationExpr {
    /// `A FOLLOWEDBY B FOLLOWEDBY ...` (two or more).
    FollowedBy(Vec<ObservationExpr>),
    /// `A OR B OR ...` (two or more).
    Or(Vec<ObservationExpr>),
    /// `A AND B AND ...` (two or more).
    And(Vec<ObservationExpr>),
    /// `[comparison]` with the qualifiers written right after it.
    Observation {
        /// What one observation must satisfy.
        comparison: ComparisonExpr,
        /// `WITHIN`, `REPEATS`, `START ... STOP`, at most one of each kind.
        qualifiers: Vec<Qualifier>,
    },
    /// `(expression)` with the qualifiers written after the parenthesis.
    Group {
        /// The parenthesized expression.
        inner: Box<ObservationExpr>,
        /// Qualifiers of the group; a kind may repeat here.
        qualifiers: Vec<Qualifier>,
    },
}

/// A qualifier of an observation expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Qualifier {
    /// `WITHIN n SECONDS`.
    Within {
        /// The window in seconds.
        seconds: f64,
    },
    /// `REPEATS n TIMES`.
    Repeats {
        /// How many times.
        times: u64,
    },
    /// `START t'...' STOP t'...'` (the timestamps as written, without `t'` `'`).
    StartStop {
        /// The start timestamp text.
        start: String,
        /// The stop timestamp text.
        stop: String,
    },
}

impl Qualifier {
    /// The qualifier's keyword, as the duplicate check names it.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Within { .. } => "WITHIN",
            Self::Repeats { .. } => "REPEATS",
            Self::StartStop { .. } => "START/STOP",
        }
    }
}

/// A comparison expression: the part of a pattern inside `[...]`.
#[derive(Debug, Clone, PartialEq)]
pub enum ComparisonExpr {
    /// `A OR B OR ...` (two or more).
    Or(Vec<ComparisonExpr>),
    /// `A AND B AND ...` (two or more).
    And(Vec<ComparisonExpr>),
    /// One property test.
    Test(Comparison),
    /// `EXISTS path`.
    Exists(ObjectPath),
}

/// One property test: `path [NOT] operator value`.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The property compared.
    pub path: ObjectPath,
    /// Whether `NOT` precedes the operator.
    pub negated: bool,
    /// The operator.
    pub operator: Operator,
    /// The right-hand side (a [`Literal::Set`] for `IN`).
    pub value: Literal,
    /// The compiled regular expression of a `LIKE` or `MATCHES` test, when
    /// it compiles within the size limits.
    pub(crate) regex: Option<Regex>,
}

impl PartialEq for Comparison {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
            && self.negated == other.negated
            && self.operator == other.operator
            && self.value == other.value
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `=` or `==`.
    Equal,
    /// `!=` or `<>`.
    NotEqual,
    /// `>`.
    Greater,
    /// `<`.
    Less,
    /// `>=`.
    GreaterOrEqual,
    /// `<=`.
    LessOrEqual,
    /// `IN (...)`.
    In,
    /// `LIKE` with SQL wildcards `%` and `_`.
    Like,
    /// `MATCHES` a regular expression.
    Matches,
    /// `ISSUBSET` a CIDR range.
    IsSubset,
    /// `ISSUPERSET` a CIDR range.
    IsSuperset,
}

/// An object path: `object-type:property.key[0]...`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectPath {
    /// The object type, such as `ipv4-addr`.
    pub object_type: String,
    /// The property and the steps after it; the first is always a key.
    pub steps: Vec<PathStep>,
}

impl ObjectPath {
    /// Whether this path is `object_type:value` exactly.
    #[must_use]
    pub fn is_value_of(&self, object_type: &str) -> bool {
        self.object_type == object_type
            && matches!(self.steps.as_slice(), [PathStep::Key(key)] if key == "value")
    }
}

impl std::fmt::Display for ObjectPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:", self.object_type)?;
        for (n, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Key(key) if n == 0 => write!(f, "{key}")?,
                PathStep::Key(key) => write!(f, ".{key}")?,
                PathStep::Index(index) => write!(f, "[{index}]")?,
                PathStep::AnyIndex => write!(f, "[*]")?,
            }
        }
        Ok(())
    }
}

/// One step of an object path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// A property or dictionary key (quotes removed).
    Key(String),
    /// A list index `[n]`.
    Index(i64),
    /// Any list element `[*]`.
    AnyIndex,
}

/// A constant on the right of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string, escapes resolved.
    String(String),
    /// `true` or `false`.
    Bool(bool),
    /// `b'...'`: the base64 text as written.
    Binary(String),
    /// `h'...'`: the hex digits as written.
    Hex(String),
    /// `t'...'`: the RFC 3339 timestamp text as written (checked by syntax only).
    Timestamp(String),
    /// `(a, b, ...)` for `IN`.
    Set(Vec<Literal>),
}
