from .activity import Activity, ActivityVerb
from .parties import TYPE_FLAGS, Address, Civility, CompanySize, Contact, ThirdParty
from .records import Language, OwnedRecord, PostalAddress
from .reference import (
    ContactRole,
    Department,
    IndustrySector,
    JobFunction,
    LeadSource,
    LegalForm,
    LostReason,
    ReferenceData,
    Tag,
    ThirdPartyCategory,
)
from .sequences import Sequence
from .users import Company, Role, Team, User

__all__ = [
    "TYPE_FLAGS",
    "Activity",
    "ActivityVerb",
    "Address",
    "Civility",
    "Company",
    "CompanySize",
    "Contact",
    "ContactRole",
    "Department",
    "IndustrySector",
    "JobFunction",
    "Language",
    "LeadSource",
    "LegalForm",
    "LostReason",
    "OwnedRecord",
    "PostalAddress",
    "ReferenceData",
    "Role",
    "Sequence",
    "Tag",
    "Team",
    "ThirdParty",
    "ThirdPartyCategory",
    "User",
]
