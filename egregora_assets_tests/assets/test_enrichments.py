from .conftest import DAY


def test_enrichments_know_the_days_photos(world):
    enrich = world.run("enrichments")
    assert enrich.metadata["media"].value >= 1 and enrich.metadata["describer"].value == "offline"
    assert (
        world.count(
            world.home.warehouse,
            "SELECT count(*) FROM enrichments WHERE kind = 'media' AND width > 0 AND date = ?",
            DAY,
        )
        >= 1
    )
