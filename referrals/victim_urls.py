"""Opening a victim record from an accepted referral, at /victims/open/<referral>/: the page
belongs to referrals, which build on victims (victims import nothing of referrals)."""

from django.urls import path

from referrals import views

urlpatterns = [
    path("<uuid:referral_id>/", views.victim_open, name="victim_open"),
]
