/* Phone first, for every page: charts keep their text at 11 px or more and scroll sideways inside their own box
   instead of shrinking; a table or chart box that scrolls is reachable by keyboard (tabindex) so it can be scrolled. */
(function () {
  "use strict";
  var MIN_TEXT_PX = 11;

  function scrollBox(el) {
    var box = el.parentElement;
    if (!box || box.tagName === "MAIN" || getComputedStyle(box).display === "inline" ||
        box.tagName === "TD" || box.tagName === "P") {
      box = document.createElement("div");
      el.parentNode.insertBefore(box, el);
      box.appendChild(el);
    }
    box.classList.add("chart-scroll");
    return box;
  }

  function keepChartTextReadable(svg) {
    var vb = svg.viewBox && svg.viewBox.baseVal;
    if (!vb || !vb.width) { fitOrScroll(svg); return; }
    var sizes = Array.prototype.map.call(svg.querySelectorAll("text"), function (t) {
      return parseFloat(getComputedStyle(t).fontSize) || 0;
    }).filter(function (s) { return s > 0; });
    if (sizes.length) {
      var smallest = Math.min.apply(null, sizes);
      var needed = Math.ceil(vb.width * MIN_TEXT_PX / smallest) + 1;
      if (svg.getBoundingClientRect().width < needed) {
        svg.style.minWidth = needed + "px";
        svg.style.maxWidth = "none";
        svg.style.width = needed + "px";
        svg.style.height = "auto";
      }
    }
    fitOrScroll(svg);
  }

  function fitOrScroll(svg) {
    var parent = svg.parentElement;
    if (parent && svg.getBoundingClientRect().width > parent.clientWidth + 1) { scrollBox(svg); }
  }

  function focusableWhenScrolling(el) {
    if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
    }
  }

  function run() {
    // The hex maps are laid out for their screen by the stylesheet (and drawn only when they near the screen:
    // content-visibility); measuring them here would lay them out at load, so they are left alone.
    document.querySelectorAll("main svg:not(.hexmap)").forEach(keepChartTextReadable);
    // Only the boxes that can scroll sideways (tables, charts, cards, code): asking every element of a long page
    // for its computed style cost /targets/ a third of a second of main-thread time.
    document.querySelectorAll("main table, main .chart-scroll, main .scroll, main .chart, main .card, main pre")
      .forEach(function (el) {
      if (el.querySelector(".hexmap-block")) { return; }  // fits its box by design; not measured (see above)
      var o = getComputedStyle(el).overflowX;
      if (o === "auto" || o === "scroll") { focusableWhenScrolling(el); }
    });
  }

  // Tapping a hex of a map shows its figures in a box above the map (a phone has no hover), with a link to the
  // seat; tapping the same hex again follows its link.
  function hexFigures(event) {
    var link = event.target.closest && event.target.closest("svg.hexmap a");
    if (!link) { return; }
    var svg = link.closest("svg.hexmap");
    // between the map's key and the map(s), where a phone shows it on the screen
    var anchor = svg.closest(".hexmap-maps") || svg.closest(".chart-scroll") || svg;
    var box = anchor.parentNode.querySelector(".hex-figures");
    if (!box) {
      box = document.createElement("p");
      box.className = "hex-figures card";
      box.setAttribute("aria-live", "polite");
      anchor.parentNode.insertBefore(box, anchor);
    }
    var href = link.getAttribute("href");
    if (box.getAttribute("data-href") === href) { return; }
    event.preventDefault();
    // the inset's hexes carry no title of their own: their seat's figures are on the main map's hex
    var title = link.querySelector("title") ||
      document.querySelector('svg.hexmap a[href="' + href + '"] title');
    box.textContent = (title ? title.textContent : "") + " ";
    var open = document.createElement("a");
    open.href = href;
    open.textContent = "Open this seat";
    box.appendChild(open);
    box.setAttribute("data-href", href);
  }

  document.addEventListener("click", hexFigures);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
}());
