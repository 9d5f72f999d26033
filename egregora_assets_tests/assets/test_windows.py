from .conftest import DAY


def test_windows_pack_the_day_under_the_configured_budget(world):
    packed = world.run("windows")
    assert packed.metadata["token_budget"].value == world.resources["settings"].window_tokens
    assert (
        world.count(world.home.warehouse, "SELECT count(*) FROM windows WHERE date = ?", DAY)
        == packed.metadata["windows"].value
        >= 1
    )
