"""The errors services raise. Pages show the message as is; the API maps the class to a status
(core.api): a refusal of the rules is 409, a refusal of the person is 403."""


class ServiceError(Exception):
    """A request the rules refuse in the current state; the message is for the user, in Chinese."""


class NotAllowed(ServiceError):
    """The user may not do this at all."""
