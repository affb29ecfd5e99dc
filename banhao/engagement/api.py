"""The 民说民评与问卷 API (mounted at ``/api/v1/engagement/``)."""

from ninja import Router

router = Router(tags=["民说民评与问卷"])
