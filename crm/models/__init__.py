from .activity import Activity, ActivityVerb
from .configuration import CrmSettings
from .emails import SentEmail, SentEmailStatus
from .parties import TYPE_FLAGS, Address, Civility, CompanySize, Contact, ThirdParty
from .preferences import ListLayout
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
from .statuses import ProspectStatus, StatusBase
from .tokens import ApiToken
from .users import Company, Role, Team, User

__all__ = [
    "TYPE_FLAGS",
    "Activity",
    "ApiToken",
    "ActivityVerb",
    "Address",
    "Civility",
    "Company",
    "CompanySize",
    "Contact",
    "CrmSettings",
    "ContactRole",
    "Department",
    "IndustrySector",
    "JobFunction",
    "Language",
    "LeadSource",
    "LegalForm",
    "ListLayout",
    "LostReason",
    "OwnedRecord",
    "PostalAddress",
    "ProspectStatus",
    "ReferenceData",
    "Role",
    "Sequence",
    "SentEmail",
    "SentEmailStatus",
    "StatusBase",
    "Tag",
    "Team",
    "ThirdParty",
    "ThirdPartyCategory",
    "User",
]
