"""Instance-level facts kept in the database (e.g. that it holds demo data)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from museion.db import Base


class InstanceSetting(Base):
    __tablename__ = "instance_setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
