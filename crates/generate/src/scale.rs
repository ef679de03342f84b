//! How big a generated country is: proposals a year by scale, and everything else in proportion
//! to them (about 200 proposals a year per enterprise, 40 staff per enterprise, 17 enterprises
//! per district, 9 districts per city, 10 cities per province, at most 31 provinces).

/// The sizes named in the issue: proposals a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    District,
    City,
    Province,
    National,
}

impl Scale {
    pub fn parse(s: &str) -> Option<Scale> {
        match s {
            "district" => Some(Scale::District),
            "city" => Some(Scale::City),
            "province" => Some(Scale::Province),
            "national" => Some(Scale::National),
            _ => None,
        }
    }

    pub fn proposals_a_year(self) -> u64 {
        match self {
            Scale::District => 10_000,
            Scale::City => 100_000,
            Scale::Province => 1_000_000,
            Scale::National => 10_000_000,
        }
    }
}

/// The counts a run makes, derived from proposals a year alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub proposals_a_year: u64,
    pub years: u32,
    pub provinces: usize,
    pub cities: usize,
    pub districts: usize,
    pub enterprises: usize,
}

/// Proposals a year per enterprise, on average.
const PROPOSALS_PER_ENTERPRISE: u64 = 200;
const ENTERPRISES_PER_DISTRICT: usize = 17;
const DISTRICTS_PER_CITY: usize = 9;
const CITIES_PER_PROVINCE: usize = 10;
const PROVINCES: usize = 31;

impl Sizes {
    pub fn new(proposals_a_year: u64, years: u32) -> Sizes {
        let enterprises = (proposals_a_year / PROPOSALS_PER_ENTERPRISE).max(3) as usize;
        let districts = enterprises.div_ceil(ENTERPRISES_PER_DISTRICT);
        let cities = districts.div_ceil(DISTRICTS_PER_CITY);
        let provinces = cities.div_ceil(CITIES_PER_PROVINCE).min(PROVINCES);
        Sizes {
            proposals_a_year,
            years,
            provinces,
            cities,
            districts,
            enterprises,
        }
    }

    pub fn proposals(&self) -> u64 {
        self.proposals_a_year * u64::from(self.years)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_national_country_has_about_a_hundred_thousand_units_in_31_provinces() {
        let s = Sizes::new(Scale::National.proposals_a_year(), 1);
        assert_eq!(s.enterprises, 50_000);
        assert_eq!(s.provinces, 31);
        assert!(s.districts > 2_900 && s.cities > 300, "{s:?}");
        let d = Sizes::new(Scale::District.proposals_a_year(), 1);
        assert_eq!(
            (d.provinces, d.cities, d.districts, d.enterprises),
            (1, 1, 3, 50)
        );
    }
}
