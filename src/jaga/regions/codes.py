"""The shape of Kemendagri region codes, for the API's validation and its OpenAPI schema alike.

A well-formed code may still name no region: that is checked against the Region table.
"""

PROVINCE_CODE = r"^[0-9]{2}$"  # 51
REGENCY_CODE = r"^[0-9]{2}\.[0-9]{2}$"  # 51.71
REGION_CODE = r"^[0-9]{2}(\.[0-9]{2})?$"  # either
REGENCY_CODE_OR_EMPTY = r"^([0-9]{2}\.[0-9]{2})?$"  # an optional field's schema, where "" is allowed
