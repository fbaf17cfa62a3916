from django_tasks import task


@task()
def refresh_statistics() -> int:
    """Rebuilds the statistics aggregates (the worker runs it; also `jaga stats refresh`)."""
    from jaga.stats.aggregates import stats_refresh

    return stats_refresh().cases


def refresh_soon() -> None:
    """Queue a refresh unless one is already waiting: a burst of changes makes one refresh."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=refresh_statistics.module_path, status="READY")
    if not waiting.exists():
        refresh_statistics.enqueue()
