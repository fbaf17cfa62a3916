from django_tasks import task


@task()
def refresh_statistics() -> int:
    """Rebuilds the statistics aggregates (the worker runs it; also `jaga stats refresh`)."""
    from jaga.stats.aggregates import stats_refresh

    return stats_refresh().cases
