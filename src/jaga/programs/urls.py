"""Programme tracking's pages, one set per domain under the `programs` namespace."""

from jaga.programs.advocacy.urls import urlpatterns as advocacy
from jaga.programs.campaigns.urls import urlpatterns as campaigns
from jaga.programs.code.urls import urlpatterns as code
from jaga.programs.partners.urls import urlpatterns as partners
from jaga.programs.results.urls import urlpatterns as results
from jaga.programs.training.urls import test_urlpatterns, verify_urlpatterns
from jaga.programs.training.urls import urlpatterns as training

app_name = "programs"

urlpatterns = [*partners, *advocacy, *campaigns, *training, *code, *results]

__all__ = ["app_name", "test_urlpatterns", "urlpatterns", "verify_urlpatterns"]
