"""The private documents' storage when they live in an S3-compatible bucket (PRIVATE_FILES_URL)."""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """A bucket that hands out no address: every document streams through the app's views, which
    ask the access policy and audit the read (cases.views.court.document_download). A presigned
    URL would outlive that check and could be forwarded, so there is none to be had."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(
            "Private documents have no URL: they are streamed by a view that asks the access policy"
        )
