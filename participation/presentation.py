"""A role's certificate requirements as a DIF Presentation Exchange v2 definition.

Any verifier (a wallet, GAB, Decidim) can check a person's Open Badges 3.0
credentials against it without our code: one input descriptor per required
course, matching the credential type and the achievement id of that course in
any locality and version (``…/cursos/<key>/v<n>``). Residence, age, attendance
and the declaration are not in a credential: the definition's purpose says so,
and the platform checks them itself (``rules.py``).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from .data import RoleData


def presentation_definition(role: RoleData, *, site_url: str) -> dict[str, Any]:
    """The DIF PE v2 ``presentation_definition`` of the role's certificates."""
    descriptors = [
        {
            "id": f"certificado-{key}",
            "name": _("Certificado del curso %(key)s") % {"key": key},
            "purpose": _("El rol pide haber terminado este curso."),
            "constraints": {
                "fields": [
                    {
                        "path": ["$.type"],
                        "filter": {
                            "type": "array",
                            "contains": {"const": "OpenBadgeCredential"},
                        },
                    },
                    {
                        "path": ["$.credentialSubject.achievement.id"],
                        "filter": {
                            "type": "string",
                            "pattern": f"/cursos/{re.escape(key)}/v[0-9]+$",
                        },
                    },
                ]
            },
        }
        for key in role.required_courses
    ]
    return {
        "id": f"{site_url}/participacion/roles/{role.role_id}/requisitos",
        "name": role.title,
        "purpose": _(
            "Certificados que pide el rol. La residencia, la edad, la asistencia "
            "y la declaración de no tener impedimentos las verifica la plataforma."
        ),
        "input_descriptors": descriptors,
    }
