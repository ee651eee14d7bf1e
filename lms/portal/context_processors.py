"""Template context shared by every page."""


def locality(request):
    """The locality (tenant) that serves this request, if any."""
    return {"locality": getattr(request, "tenant", None)}
