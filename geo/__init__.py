"""Geography for the Sindh Cluster Atlas: boundaries, district names, the map.

Never imports streamlit; the UI caches what these functions return.
"""
