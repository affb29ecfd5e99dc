from __future__ import annotations

import pytest

from banhao.accounts.models import User


@pytest.fixture
def applicant(db: None) -> User:
    return User.objects.create_user(
        username="zhangsan",
        email="zhangsan@example.com",
        display_name="张三",
        kind=User.Kind.PERSON,
    )


@pytest.fixture
def other_user(db: None) -> User:
    return User.objects.create_user(username="lisi", display_name="李四")


@pytest.fixture
def mobile_13812345678(applicant: User) -> str:
    """The applicant's registered mobile number."""
    User.objects.filter(pk=applicant.pk).update(mobile="13812345678")
    applicant.mobile = "13812345678"
    return "13812345678"
