//! The industry chains the plan names, and the segments it sets separate targets for (hospital
//! preparations and reproductive health in Q2, facility agriculture for the year, ...).

use crate::codes::code_enum;

code_enum! {
    /// An industry chain of the plan.
    IndustryChain {
        FoodBeverage => "food_beverage",
        MedicineHealth => "medicine_health",
        NaturalGas => "natural_gas",
        ModernAgriculture => "modern_agriculture",
        Manufacturing => "manufacturing",
        Services => "services",
        UrbanQuality => "urban_quality",
        ColdChainLogistics => "cold_chain_logistics",
        PublicServices => "public_services",
        Other => "other",
    }
}

code_enum! {
    /// A segment within a chain that the plan names on its own.
    IndustrySegment {
        PreMadeDishes => "pre_made_dishes",
        LiquorDrinks => "liquor_drinks",
        AirlineFood => "airline_food",
        FoodSupplyChain => "food_supply_chain",
        HospitalPreparations => "hospital_preparations",
        ReproductiveHealth => "reproductive_health",
        TcmPreparations => "tcm_preparations",
        MedicalDevices => "medical_devices",
        Pigs => "pigs",
        Citrus => "citrus",
        RiceFish => "rice_fish",
        GrainOil => "grain_oil",
        FacilityAgriculture => "facility_agriculture",
        CommercialStreets => "commercial_streets",
        CultureTourism => "culture_tourism",
        ElderlyCare => "elderly_care",
        Education => "education",
        MedicalServices => "medical_services",
        Parks => "parks",
    }
}

impl IndustrySegment {
    /// The chain this segment belongs to.
    pub fn chain(self) -> IndustryChain {
        use IndustrySegment::*;
        match self {
            PreMadeDishes | LiquorDrinks | AirlineFood | FoodSupplyChain => IndustryChain::FoodBeverage,
            HospitalPreparations | ReproductiveHealth | TcmPreparations | MedicalDevices => IndustryChain::MedicineHealth,
            Pigs | Citrus | RiceFish | GrainOil | FacilityAgriculture => IndustryChain::ModernAgriculture,
            CommercialStreets | CultureTourism | ElderlyCare => IndustryChain::UrbanQuality,
            Education | MedicalServices | Parks => IndustryChain::PublicServices,
        }
    }
}

impl IndustryChain {
    /// The segments of this chain, for a dependent pick-list.
    pub fn segments(self) -> impl Iterator<Item = IndustrySegment> {
        IndustrySegment::ALL.iter().copied().filter(move |s| s.chain() == self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in IndustryChain::ALL {
            assert_eq!(IndustryChain::from_code(c.code()), Some(*c));
        }
        for s in IndustrySegment::ALL {
            assert_eq!(IndustrySegment::from_code(s.code()), Some(*s));
        }
    }

    #[test]
    fn segments_belong_to_their_chain() {
        let medicine: Vec<_> = IndustryChain::MedicineHealth.segments().collect();
        assert!(medicine.contains(&IndustrySegment::HospitalPreparations));
        assert!(medicine.contains(&IndustrySegment::ReproductiveHealth));
        assert_eq!(IndustryChain::Manufacturing.segments().count(), 0);
    }
}
