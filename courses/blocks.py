"""StreamField blocks of a lesson body.

Blocks that point at media (images, documents) or H5P activities are remapped
when a course is copied to a locality, since each locality has its own media
library and activities (``courses.publishing``).
"""

from django.utils.translation import gettext_lazy
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from h5p.blocks import H5PActivityBlock

from .quiz_blocks import QuizBlock


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=gettext_lazy("imagen"))
    alt_text = blocks.CharBlock(
        label=gettext_lazy("texto alternativo"),
        max_length=250,
        help_text=gettext_lazy("Qué muestra la imagen, para quien no la puede ver."),
    )
    caption = blocks.CharBlock(label=gettext_lazy("pie de imagen"), required=False)

    class Meta:
        icon = "image"
        label = gettext_lazy("Imagen")
        template = "courses/blocks/figure.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=gettext_lazy("video (URL)"))
    captions = DocumentChooserBlock(
        label=gettext_lazy("subtítulos (.vtt)"), required=False
    )
    transcript = blocks.RichTextBlock(
        label=gettext_lazy("transcripción"),
        required=False,
        features=["bold", "italic", "ol", "ul", "link"],
        help_text=gettext_lazy(
            "Texto completo del video: para conexiones lentas y lectores de pantalla."
        ),
    )

    class Meta:
        icon = "media"
        label = gettext_lazy("Video")
        template = "courses/blocks/video.html"


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=gettext_lazy("documento"))
    title = blocks.CharBlock(label=gettext_lazy("título"), required=False)

    class Meta:
        icon = "doc-full"
        label = gettext_lazy("Documento descargable")
        template = "courses/blocks/download.html"


LESSON_BODY_BLOCKS = [
    (
        "text",
        blocks.RichTextBlock(
            label=gettext_lazy("Texto"),
            features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "blockquote"],
        ),
    ),
    ("figure", FigureBlock()),
    ("video", VideoBlock()),
    ("download", DownloadBlock()),
    # Graded when the course's rule asks for a minimum score (lms.learning).
    ("h5p", H5PActivityBlock(label=gettext_lazy("Actividad H5P"))),
    # A native quiz, saved to the learning records when the lesson is published
    # (courses.quizzes); graded like an H5P activity. The name "quiz" is stable.
    ("quiz", QuizBlock()),
]
