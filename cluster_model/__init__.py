"""The domain of the Sindh Cluster Atlas: pillars, indicators, clusters,
assessments, gap scoring and classification. Plain Python and pandas; no UI."""
