/* Layout check of an iopat HTML report, run by headless Chromium
 * (tests/bats/report.bats): the page does not scroll sideways (wide
 * tables scroll inside their own box), no chart sticks out of the page,
 * no chart text is cut by its chart's edge, and no two tick labels of a
 * chart overlap. Writes "OK" or one problem per line into
 * <pre id="layout-check">. */
(function () {
	var W = document.documentElement.clientWidth, bad = [];
	var sw = document.documentElement.scrollWidth;

	function box(e) { return e.getBoundingClientRect(); }
	function overlap(a, b) {
		return a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
		       a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
	}
	if (sw > W + 1)
		bad.push("the page scrolls sideways: " + sw + " px wide in " + W + " px");
	document.querySelectorAll("svg").forEach(function (s, i) {
		var r = box(s), ticks = [];
		var name = s.getAttribute("aria-label") || ("svg " + i);

		if (r.width && r.right > W + 1)
			bad.push(name + ": ends at " + Math.round(r.right) + " px, past " + W);
		s.querySelectorAll("text").forEach(function (t) {
			var b = box(t);

			if (!b.width)
				return;
			if (b.left < r.left - 1 || b.right > r.right + 1 ||
			    b.top < r.top - 1 || b.bottom > r.bottom + 1)
				bad.push(name + ": text '" + t.textContent + "' cut by the edge");
			if (t.getAttribute("class") === "tick")
				ticks.push({ t: t.textContent, b: b });
		});
		for (var a = 0; a < ticks.length; a++)
			for (var c = a + 1; c < ticks.length; c++)
				if (overlap(ticks[a].b, ticks[c].b))
					bad.push(name + ": labels '" + ticks[a].t + "' and '" +
						 ticks[c].t + "' overlap");
	});
	var p = document.createElement("pre");
	p.id = "layout-check";
	p.textContent = (bad.length ? bad.join("\n") : "OK") + "\nviewport " + W + " px";
	document.body.appendChild(p);
})();
