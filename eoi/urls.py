app_name = "eoi"

urlpatterns = []
