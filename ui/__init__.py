"""Streamlit glue shared by the pages: cached data access, view state in the URL,
and the way problems are shown. Business rules live in cluster_model/ and geo/."""
