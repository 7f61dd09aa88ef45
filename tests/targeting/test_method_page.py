"""`/targets/method/`: the model in plain words, both backtests and the calibration chart."""

from __future__ import annotations

import re


def test_method_page_shows_backtests_and_calibration_chart(official_db, client):
    response = client.get("/targets/method/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="backtest"') == 2
    assert "parl.2017-06-08 → parl.2019-12-12" in html and "parl.2019-12-12.notional → parl.2024-07-04" in html
    assert 10 <= html.count('class="bin"') <= 20  # one dot per non-empty reliability bin of each backtest
    assert "parl.2015-05-07" in html  # the seat error's source: the imported history
    c80 = re.search(r"covered about (\d+)% of\s+seats", html)
    assert c80 and 70 <= int(c80.group(1)) <= 90
    assert "How far to trust the intervals" in html
    page = client.get("/targets/", {"draws": "200"}).content.decode()
    assert 'href="/targets/method/"' in page
