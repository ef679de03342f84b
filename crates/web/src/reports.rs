//! What the annual summary's page and API share: each figure's label and where its records are
//! listed, on the pages and in the API, with the same filters.

use crate::i18n::Catalogs;
use ingot_domain::report::{Figure, SummaryLine};
use ingot_domain::{Lang, OrgId};

/// The figure's label in the catalogue (`report.figure.patents_invention`).
pub fn label_key(figure: Figure) -> String {
    format!("report.figure.{}", figure.code().replace('.', "_"))
}

pub fn label(catalogs: &Catalogs, lang: Lang, figure: Figure) -> String {
    catalogs.t(lang, &label_key(figure)).to_string()
}

/// Where the records behind a figure are listed: a page (`api` false) or an API list. `None`
/// where no list holds exactly those records (adopted and implemented proposals are counted
/// when they reach that step, which no list filter names; awards are read from the campaigns).
pub fn records(figure: Figure, unit: OrgId, year: i64, api: bool) -> Option<String> {
    let unit_key = if api { "unit_id" } else { "unit" };
    let base = if api { "/api/v1" } else { "" };
    let list = |path: &str, extra: &str| {
        Some(format!(
            "{base}{path}?{unit_key}={}&year={year}{extra}",
            unit.0
        ))
    };
    match figure {
        Figure::Achievements | Figure::Benefit => list("/achievements", ""),
        Figure::AchievementsAt(l) => list("/achievements", &format!("&level={}", l.as_str())),
        Figure::Skills => list("/skills", ""),
        Figure::SkillsOfKind(k) => list("/skills", &format!("&kind={}", k.as_str())),
        Figure::Patents => list("/patents", ""),
        Figure::PatentsOfKind(k) => list("/patents", &format!("&kind={}", k.as_str())),
        Figure::PatentsGranted => list("/patents", "&status=granted"),
        Figure::Titles => list("/titles", ""),
        Figure::TitlesAt(l) => list("/titles", &format!("&kind={}", l.as_str())),
        // The studio registry names its unit `unit` in the API too.
        Figure::StudiosNamed(l) => {
            let level_key = if api { "named_level" } else { "named" };
            Some(format!(
                "{base}/studios?unit={}&year={year}&{level_key}={}",
                unit.0,
                l.as_str()
            ))
        }
        Figure::ProposalsPutForward if api => Some(format!(
            "/api/v1/proposals?unit={}&from={year}-01&to={year}-12",
            unit.0
        )),
        Figure::ProposalsPutForward => Some(format!(
            "/proposals?view=all&unit={}&from={year}-01&to={year}-12",
            unit.0
        )),
        Figure::ProposalsAdopted
        | Figure::ProposalsImplemented
        | Figure::ProposalBenefit
        | Figure::AwardsBy(_) => None,
    }
}

/// A line's value as the summary prints it: money in yuan with two decimals, counts as they are.
pub fn value_text(figure: Figure, value: i64) -> String {
    if figure.is_money() {
        ingot_domain::proposal::format_money(value)
    } else {
        value.to_string()
    }
}

/// The change against the year before, signed, with its percentage when there is one.
pub fn change_text(line: &SummaryLine) -> String {
    let change = line.change();
    let sign = match change.signum() {
        1 => "+",
        -1 => "-",
        _ => "",
    };
    let amount = if line.figure.is_money() {
        ingot_domain::proposal::format_money(change.abs())
    } else {
        change.abs().to_string()
    };
    match line.change_permille().map(i64::abs) {
        Some(p) => format!("{sign}{amount} ({sign}{}.{}%)", p / 10, p % 10),
        None => format!("{sign}{amount}"),
    }
}

/// A return column's label: a summary figure's, or one of the figures units state.
pub fn column_label(
    catalogs: &Catalogs,
    lang: Lang,
    column: ingot_domain::stat_return::Column,
) -> String {
    use ingot_domain::stat_return::Column;
    match column {
        Column::Computed(f) => label(catalogs, lang, f),
        Column::Added(a) => catalogs
            .t(lang, &format!("report.added.{}", a.as_str()))
            .to_string(),
    }
}

/// A return column's value as the form prints it.
pub fn column_value(column: ingot_domain::stat_return::Column, value: i64) -> String {
    if column.is_money() {
        ingot_domain::proposal::format_money(value)
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(figure: Figure, value: i64, previous: i64) -> SummaryLine {
        SummaryLine {
            figure,
            value,
            previous,
        }
    }

    #[test]
    fn changes_carry_their_sign_and_share() {
        assert_eq!(
            change_text(&line(Figure::Achievements, 209, 190)),
            "+19 (+10.0%)"
        );
        assert_eq!(
            change_text(&line(Figure::Achievements, 190, 209)),
            "-19 (-9.1%)"
        );
        assert_eq!(
            change_text(&line(Figure::Achievements, 199, 200)),
            "-1 (-0.5%)"
        );
        assert_eq!(change_text(&line(Figure::Achievements, 5, 0)), "+5");
        assert_eq!(
            change_text(&line(Figure::Benefit, 150, 250)),
            "-1.00 (-40.0%)"
        );
    }

    #[test]
    fn a_figure_leads_to_its_records_in_pages_and_api() {
        use ingot_domain::innovation::PatentKind;
        use ingot_domain::studio::Level;
        let f = Figure::PatentsOfKind(PatentKind::Invention);
        assert_eq!(
            records(f, OrgId(7), 2020, false).as_deref(),
            Some("/patents?unit=7&year=2020&kind=invention")
        );
        assert_eq!(
            records(f, OrgId(7), 2020, true).as_deref(),
            Some("/api/v1/patents?unit_id=7&year=2020&kind=invention")
        );
        assert_eq!(
            records(
                Figure::StudiosNamed(Level::Provincial),
                OrgId(7),
                2022,
                true
            )
            .as_deref(),
            Some("/api/v1/studios?unit=7&year=2022&named_level=provincial")
        );
        assert_eq!(
            records(Figure::ProposalsAdopted, OrgId(7), 2020, true),
            None
        );
    }
}
