from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from banhao.org.models import Department

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "message"),
    [("91371681MA3CBH0A1D", "校验位"), ("9137168", "长度"), ("", None)],
)
def test_department_credit_code_is_checked(code: str, message: str | None) -> None:
    department = Department(name="测试局", uscc=code)
    if message is None:
        department.full_clean()
        return
    with pytest.raises(ValidationError, match=message):
        department.full_clean()
