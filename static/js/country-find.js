// A box to find a country in a long list (clients.forms.CountrySelect) by its name or by what
// people call its nationals: "Polish" finds Poland, "UK", "British" or "Scottish" the United
// Kingdom. The list stays an ordinary <select>: the box only narrows its options (the country
// already chosen always stays among them) and Enter chooses the best match; typing alone never
// changes what the form will save, and the form sends the same field with or without this script.
(function () {
  "use strict";

  function fold(text) {
    // As clients.countries.fold: no case, accents or punctuation.
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }

  // 0 best: a name said in full; then a name that starts so; then one of whose words does.
  function rank(names, query) {
    var best = -1;
    for (var i = 0; i < names.length; i++) {
      var name = names[i];
      var score = -1;
      if (name === query) score = 0;
      else if (name.indexOf(query) === 0) score = 1;
      else if ((" " + name).indexOf(" " + query) !== -1) score = 2;
      if (score !== -1 && (best === -1 || score < best)) best = score;
    }
    return best;
  }

  function enhance(select) {
    var all = [];
    for (var i = 0; i < select.options.length; i++) {
      var option = select.options[i];
      var other = option.getAttribute("data-names");
      var names = [option.text].concat(other ? other.split("|") : []);
      all.push({ option: option, names: names.map(fold), order: i });
    }
    var blank = all.filter(function (entry) { return entry.option.value === ""; });
    var countries = all.filter(function (entry) { return entry.option.value !== ""; });

    var box = document.createElement("div");
    box.className = "country-find";
    var id = (select.id || "country") + "-find";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Find a country by its name or nationality, such as Polish or Scottish";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    var status = document.createElement("p");
    status.className = "muted";
    status.id = id + "-status";
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select);

    var best = null;

    function show(entries) {
      var chosen = select.value;
      var current = countries.filter(function (entry) { return entry.option.value === chosen; });
      var shown = entries.indexOf(current[0]) === -1 ? current.concat(entries) : entries;
      while (select.options.length) select.remove(0);
      blank.concat(shown).forEach(function (entry) { select.add(entry.option); });
      select.value = chosen;
    }

    function choose(entry) {
      select.value = entry.option.value;
      status.textContent = entry.option.text + " chosen.";
    }

    input.addEventListener("input", function () {
      var query = fold(input.value);
      best = null;
      if (!query) {
        show(countries);
        status.textContent = "";
        return;
      }
      var found = [];
      countries.forEach(function (entry) {
        var score = rank(entry.names, query);
        if (score !== -1) found.push({ entry: entry, score: score });
      });
      if (!found.length) {
        show(countries);
        status.textContent = "No country found for “" + input.value.trim() + "”. Choose from the list, or Not known.";
        return;
      }
      found.sort(function (a, b) { return a.score - b.score || a.entry.order - b.entry.order; });
      var entries = found.map(function (item) { return item.entry; });
      show(entries);
      best = entries[0];
      status.textContent = "Best match: " + best.option.text +
        (entries.length > 1 ? " (" + entries.length + " in the list below)" : "") +
        ". Press Enter to choose it, or choose from the list.";
    });

    // Enter in the box chooses the best match; it does not send the form half filled.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        if (best) choose(best);
        select.focus();
      }
    });
  }

  var selects = document.querySelectorAll("select[data-country-find]");
  for (var i = 0; i < selects.length; i++) enhance(selects[i]);
})();
