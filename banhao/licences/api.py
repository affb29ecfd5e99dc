"""The 电子证照 API (mounted at ``/api/v1/licences/``)."""

from ninja import Router

router = Router(tags=["电子证照"])
