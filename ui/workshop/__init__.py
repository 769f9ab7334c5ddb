"""The Workshop's Streamlit glue, grouped by feature: the setup form (``setup_view``), the
room and presenter views (``room_view``), the session state (``session``), the projector's look
(``presentation``), the live tally of the phones' votes (``room``), the question "who works with
whom" (``links``) and the offline check (``offline_check``). ``pages/workshop.py`` draws them."""
