//! A query as text plus arguments, executable on either backend.

use std::borrow::Cow;

/// A bound argument. Each variant is a type both backends encode the same way.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Real(Option<f64>),
    /// Stored as 'YYYY-MM-DD' text on both databases.
    Date(Option<ingot_domain::time::Date>),
}

macro_rules! arg_from {
    ($t:ty, $variant:ident, $conv:expr) => {
        impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::$variant(Some($conv(v)))
            }
        }
        impl From<Option<$t>> for Arg {
            fn from(v: Option<$t>) -> Self {
                Arg::$variant(v.map($conv))
            }
        }
    };
}

arg_from!(i64, Int, |v| v);
arg_from!(bool, Bool, |v| v);
arg_from!(f64, Real, |v| v);
arg_from!(String, Text, |v| v);
arg_from!(&str, Text, |v: &str| v.to_string());
arg_from!(&String, Text, |v: &String| v.clone());
arg_from!(ingot_domain::OrgId, Int, |v: ingot_domain::OrgId| v.0);
arg_from!(ingot_domain::UserId, Int, |v: ingot_domain::UserId| v.0);
arg_from!(ingot_domain::GrantId, Int, |v: ingot_domain::GrantId| v.0);
arg_from!(
    ingot_domain::SessionId,
    Int,
    |v: ingot_domain::SessionId| v.0
);
arg_from!(ingot_domain::TokenId, Int, |v: ingot_domain::TokenId| v.0);
arg_from!(
    ingot_domain::ProposalId,
    Int,
    |v: ingot_domain::ProposalId| v.0
);
arg_from!(
    ingot_domain::AttachmentId,
    Int,
    |v: ingot_domain::AttachmentId| v.0
);
arg_from!(
    ingot_domain::NotificationId,
    Int,
    |v: ingot_domain::NotificationId| v.0
);
arg_from!(
    ingot_domain::proposal::Status,
    Text,
    |v: ingot_domain::proposal::Status| v.as_str().to_string()
);
arg_from!(
    ingot_domain::Timestamp,
    Int,
    |v: ingot_domain::Timestamp| v.0
);
arg_from!(
    ingot_domain::time::Date,
    Date,
    |v: ingot_domain::time::Date| v
);
arg_from!(ingot_domain::OrgKind, Text, |v: ingot_domain::OrgKind| v
    .as_str()
    .to_string());
arg_from!(ingot_domain::Role, Text, |v: ingot_domain::Role| v
    .as_str()
    .to_string());
arg_from!(ingot_domain::Lang, Text, |v: ingot_domain::Lang| v
    .code()
    .to_string());
arg_from!(&ingot_domain::OrgPath, Text, |v: &ingot_domain::OrgPath| v
    .as_str()
    .to_string());

/// SQL text and its arguments. The text is either a literal or assembled by `SqlBuilder` from
/// literal fragments only, so user input can never become SQL.
#[derive(Debug, Clone)]
pub struct Sql {
    pub(crate) text: Cow<'static, str>,
    pub(crate) args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &'static str) -> Self {
        Sql {
            text: Cow::Borrowed(text),
            args: Vec::new(),
        }
    }

    pub fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Builds a query from literal fragments and bound values, numbering placeholders itself.
#[derive(Debug, Default)]
pub struct SqlBuilder {
    text: String,
    args: Vec<Arg>,
}

impl SqlBuilder {
    pub fn new(start: &'static str) -> Self {
        SqlBuilder {
            text: start.to_string(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, fragment: &'static str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Appends `($a, $b, ...)`, a placeholder per value, for `IN`.
    pub fn values<T: Into<Arg> + Copy>(&mut self, values: &[T]) -> &mut Self {
        self.push("(");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(*v);
        }
        self.push(")")
    }

    /// Appends `(column >= $a AND column < $b OR ...)` matching the subtrees of `scope`;
    /// an empty scope matches nothing.
    pub fn scope(&mut self, column: &'static str, scope: &ingot_domain::OrgScope) -> &mut Self {
        if scope.is_empty() {
            return self.push("1 = 0");
        }
        self.push("(");
        for (i, root) in scope.roots().iter().enumerate() {
            if i > 0 {
                self.push(" OR ");
            }
            self.push("(").push(column).push(" >= ").bind(root.as_str());
            self.push(" AND ")
                .push(column)
                .push(" < ")
                .bind(root.subtree_end())
                .push(")");
        }
        self.push(")")
    }

    pub fn build(self) -> Sql {
        Sql {
            text: Cow::Owned(self.text),
            args: self.args,
        }
    }
}

/// Paging for lists: a 1-based page number and a page size clamped to sane bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub size: i64,
}

impl Page {
    pub const MAX_SIZE: i64 = 500;

    pub fn new(number: Option<i64>, size: Option<i64>, default_size: i64) -> Self {
        Page {
            number: number.unwrap_or(1).max(1),
            size: size.unwrap_or(default_size).clamp(1, Self::MAX_SIZE),
        }
    }

    pub fn offset(self) -> i64 {
        (self.number - 1).saturating_mul(self.size)
    }

    /// Appends ` LIMIT $n OFFSET $m`.
    pub fn apply(self, b: &mut SqlBuilder) {
        b.push(" LIMIT ")
            .bind(self.size)
            .push(" OFFSET ")
            .bind(self.offset());
    }

    pub fn page_count(self, total: i64) -> i64 {
        ((total + self.size - 1) / self.size).max(1)
    }
}

/// Lists count their rows up to this many: beyond it they say "more than", so that a list
/// costs the same at ten thousand and ten million rows. Exact figures come from rollups.
pub const LIST_COUNT_CAP: i64 = 1_000;

/// The start of a count of at most some rows: push ` FROM ... WHERE ...`, then
/// [`count_up_to`].
pub fn capped_count() -> SqlBuilder {
    SqlBuilder::new("SELECT COUNT(*) FROM (SELECT 1")
}

/// Runs a [`capped_count`], counting up to `cap` rows.
pub async fn count_up_to(
    tx: &mut crate::Tx,
    mut count: SqlBuilder,
    cap: i64,
) -> crate::Result<Total> {
    count
        .push(" LIMIT ")
        .bind(cap.saturating_add(1))
        .push(") capped");
    let (counted,): (i64,) = tx.fetch_one(count.build()).await?;
    Ok(Total::capped(counted, cap))
}

/// A list's size, counted up to a cap: exact below it, "more than `count`" at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub count: i64,
    pub exact: bool,
}

impl Total {
    pub fn exact(count: i64) -> Self {
        Total { count, exact: true }
    }

    /// The count as a short label: `1000+` when there are more.
    pub fn shown(&self) -> String {
        if self.exact {
            self.count.to_string()
        } else {
            format!("{}+", self.count)
        }
    }

    /// From a count of at most `cap + 1` rows.
    pub fn capped(counted: i64, cap: i64) -> Self {
        Total {
            count: counted.min(cap),
            exact: counted <= cap,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ingot_domain::{OrgPath, OrgScope};

    #[test]
    fn builder_numbers_placeholders_and_expands_scopes() {
        let scope = OrgScope::of([
            OrgPath::from_stored("/1/5/".into()),
            OrgPath::from_stored("/2/".into()),
        ]);
        let mut b = SqlBuilder::new("SELECT 1 FROM t WHERE a = ");
        b.bind(7i64).push(" AND ").scope("o.path", &scope);
        let sql = b.build();
        assert_eq!(
            sql.text(),
            "SELECT 1 FROM t WHERE a = $1 AND ((o.path >= $2 AND o.path < $3) OR (o.path >= $4 AND o.path < $5))"
        );
        assert_eq!(sql.args[2], Arg::Text(Some("/1/50".into())));
        let mut none = SqlBuilder::new("SELECT 1 WHERE ");
        none.scope("p", &OrgScope::nothing());
        assert_eq!(none.build().text(), "SELECT 1 WHERE 1 = 0");
    }

    #[test]
    fn pages_are_clamped() {
        assert_eq!(
            Page::new(Some(0), Some(100_000), 50),
            Page {
                number: 1,
                size: Page::MAX_SIZE
            }
        );
        assert_eq!(Page::new(Some(3), None, 50).offset(), 100);
        assert_eq!(Page::new(None, Some(20), 50).page_count(41), 3);
        assert_eq!(Page::new(None, Some(20), 50).page_count(0), 1);
    }
}
