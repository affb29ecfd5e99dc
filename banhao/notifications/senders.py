"""Senders: one per channel, behind one small interface (a plugin contract, Open Forms style).

A sender gets a notification, delivers it and returns a ``Delivery``; it raises
``DeliveryFailed`` for a permanent failure (no address, refused by the gateway), whose
message must not contain personal data. Any other exception counts as transient: the
delivery task fails, the notification stays queued and the stale sweep tries it again.

No SMS or e-mail gateway exists yet, so both channels use ``LogSender``: the message is
recorded in the outbox (the notification row) and in the log, with the recipient masked and
nothing else personal. A real gateway is a ``Sender`` subclass passed to ``register_sender``.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass

from banhao.accounts.models import User
from banhao.notifications.masking import mask_email, mask_mobile
from banhao.notifications.models import Notification

logger = logging.getLogger("banhao.notifications.outbox")

# The account attribute that holds a mobile number; an account without one gets its SMS
# recorded as failed with "未登记手机号" (not raised).
MOBILE_ATTRIBUTE = "mobile"


@dataclass(frozen=True)
class Delivery:
    """What a sender reports back: where the message went, masked."""

    recipient_masked: str = ""


class DeliveryFailed(Exception):
    """A permanent failure; the message is stored in ``Notification.error``."""


def contact_address(user: User, channel: str) -> str:
    """The user's current address for ``channel`` (read at delivery time, never copied)."""
    if channel == Notification.Channel.EMAIL:
        return user.email.strip()
    if channel == Notification.Channel.SMS:
        return str(getattr(user, MOBILE_ATTRIBUTE, "") or "").strip()
    return ""


def mask_address(channel: str, address: str) -> str:
    if channel == Notification.Channel.SMS:
        return mask_mobile(address)
    if channel == Notification.Channel.EMAIL:
        return mask_email(address)
    return ""


class Sender(ABC):
    """Delivers notifications of one channel."""

    @abstractmethod
    def send(self, notification: Notification) -> Delivery:
        """Deliver ``notification`` or raise ``DeliveryFailed``."""


class InAppSender(Sender):
    """The message box is the database itself: delivering means marking the row sent."""

    def send(self, notification: Notification) -> Delivery:
        return Delivery()


class LogSender(Sender):
    """Stand-in gateway for SMS and e-mail: writes an outbox log line with the masked address.

    The log line names the notification, channel, masked recipient and case number only —
    never the title or body, which may hold names or other personal data.
    """

    def send(self, notification: Notification) -> Delivery:
        address = contact_address(notification.recipient, notification.channel)
        if not address:
            if notification.channel == Notification.Channel.SMS:
                raise DeliveryFailed("收件人未登记手机号")
            raise DeliveryFailed("收件人未登记电子邮箱")
        masked = mask_address(notification.channel, address)
        logger.info(
            "outbox %s notification=%s to=%s case=%s chars=%d",
            notification.channel,
            notification.pk,
            masked,
            notification.case_number or "-",
            len(notification.title) + len(notification.body),
        )
        return Delivery(recipient_masked=masked)


_SENDERS: dict[str, Sender] = {
    Notification.Channel.IN_APP: InAppSender(),
    Notification.Channel.SMS: LogSender(),
    Notification.Channel.EMAIL: LogSender(),
}


def register_sender(channel: str, sender: Sender) -> Sender:
    """Use ``sender`` for ``channel`` from now on; returns the one it replaces."""
    if channel not in Notification.Channel.values:
        raise ValueError(f"unknown channel: {channel}")
    previous = _SENDERS[channel]
    _SENDERS[channel] = sender
    return previous


def sender_for(channel: str) -> Sender:
    try:
        return _SENDERS[channel]
    except KeyError as exc:
        raise DeliveryFailed(f"未知的发送渠道：{channel}") from exc
