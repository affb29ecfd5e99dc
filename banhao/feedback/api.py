"""The 好差评 API (mounted at ``/api/v1/feedback/``)."""

from ninja import Router

router = Router(tags=["好差评"])
