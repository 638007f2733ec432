// "Log a contact" / "Log a sighting" on the phone. Who: a search over the phone's list of people
// (a person chosen sets the hidden `client`), or an unidentified sighting with its description.
// Save puts the entry in the queue (phone-queue.js) with the moment Save was pressed as its time
// unless the worker gave one, then tries to send it. ?sighting=1 opens for a sighting,
// ?client=<id> with the person chosen, ?entry=<key> with a refused entry to correct or discard.
(function () {
  "use strict";
  var phone = window.MarsPhone;
  var form = document.querySelector("[data-phone-log]");
  if (!form) return;
  var f = phone.form;
  var params = new URLSearchParams(location.search);
  var title = document.querySelector("[data-phone-title]");
  var saved = document.querySelector("[data-phone-saved]");
  var top = document.querySelector("[data-form-errors]");
  var search = form.querySelector("#who-q");
  var results = form.querySelector("[data-who-results]");
  var note = form.querySelector("[data-people-note]");
  var finding = form.querySelector("[data-who-search]");
  var chosenBox = form.querySelector("[data-who-chosen]");
  var sightingBox = form.querySelector("[data-who-sighting]");
  var discardButton = form.querySelector("[data-discard]");
  var allPeople = form.querySelector("[data-all-people]");
  var session = form.elements.session;
  var at = form.elements.at;
  var people = [];
  var chosen = null;
  var editing = null;
  var mode = params.get("sighting") ? "sighting" : "person";
  var LABELS = f.labels(form);
  var saveButton = form.querySelector("button[type=submit]");
  var saving = false;

  form.hidden = false;

  function setMode(wanted) {
    mode = wanted;
    var sighting = mode === "sighting";
    sightingBox.hidden = !sighting;
    finding.hidden = sighting || Boolean(chosen);
    chosenBox.hidden = sighting || !chosen;
    var heading = editing ? "Correct and send again" : sighting ? "Log an unidentified sighting" : "Log a contact";
    title.textContent = heading;
    document.title = heading + " · MARS";
  }

  function choose(person) {
    chosen = person;
    form.elements.client.value = person ? person.id : "";
    if (person) {
      chosenBox.querySelector("[data-chosen-name]").textContent = phone.people.name(person) +
        (person.known_as ? " (“" + person.known_as + "”)" : "");
      chosenBox.querySelector("[data-chosen-reference]").textContent = person.reference || "";
      var alerts = chosenBox.querySelector("[data-chosen-alerts]");
      alerts.textContent = "";
      (person.alerts || []).forEach(function (alert) {
        var li = document.createElement("li");
        li.className = "risk-alert";
        li.textContent = alert;
        alerts.appendChild(li);
      });
    }
    search.value = "";
    results.textContent = "";
    setMode(mode);
  }

  function row(person) {
    var li = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "person-pick";
    var name = document.createElement("strong");
    name.textContent = phone.people.name(person);
    button.appendChild(name);
    if (person.known_as) button.appendChild(document.createTextNode(" “" + person.known_as + "”"));
    var reference = document.createElement("span");
    reference.className = "muted";
    reference.textContent = " " + person.reference;
    button.appendChild(reference);
    (person.alerts || []).forEach(function (alert) {
      var tag = document.createElement("span");
      tag.className = "risk-alert";
      tag.textContent = alert;
      button.appendChild(tag);
    });
    button.addEventListener("click", function () { choose(person); });
    li.appendChild(button);
    return li;
  }

  function showResults() {
    results.textContent = "";
    if (!search.value.trim()) return;
    var found = phone.people.search(people, search.value);
    found.slice(0, 20).forEach(function (person) { results.appendChild(row(person)); });
    if (!found.length) {
      var li = document.createElement("li");
      li.className = "muted";
      li.textContent = "No one on this phone's list matches. Try another name, or log an unidentified sighting.";
      results.appendChild(li);
    }
  }

  function loadPeople() {
    return phone.people.current().then(function (list) {
      people = list.people;
      if (!list.about) {
        note.textContent = "The list of people is not on this phone: open this page once with a signal to fetch it. You can still log an unidentified sighting.";
      } else {
        note.textContent = "First name, last name, known-as, alias or reference: " + people.length +
          (people.length === 1 ? " person" : " people") + " seen in the last " + list.about.days + " days, fetched " +
          new Date(list.about.fetched_at).toLocaleString("en-GB", { hour: "2-digit", minute: "2-digit", day: "numeric", month: "short" }) + ".";
      }
      if (search.value) showResults();
      return people;
    });
  }

  // ?client=<id>: from the list, or fetched if there is a signal (kept in this page only).
  function preselect(id) {
    var person = people.filter(function (p) { return String(p.id) === String(id); })[0];
    if (person) return Promise.resolve(choose(person));
    var missing = function () {
      f.showErrors(form, top, { client: ["This person is not on this phone's list" +
        (navigator.onLine ? "." : " and there is no signal to fetch them.") +
        " Find them by name, or log an unidentified sighting."] });
    };
    if (!navigator.onLine) return Promise.resolve(missing());
    return fetch("/api/clients/" + encodeURIComponent(id) + "/", {
      credentials: "same-origin", headers: { Accept: "application/json" }, redirect: "manual",
    }).then(function (response) {
      if (!response.ok || response.type === "opaqueredirect") return missing();
      return response.json().then(function (p) {
        choose({
          id: p.id, reference: p.reference, first_name: p.first_name, last_name: p.last_name,
          known_as: p.known_as, aliases: p.aliases || [],
          alerts: (p.alerts || []).map(function (a) { return typeof a === "string" ? a : a.label || a.text || a.title || ""; }),
        });
      });
    }).catch(missing);
  }

  function option(value, text) {
    var found = Array.prototype.filter.call(session.options, function (o) { return o.value === String(value); })[0];
    if (found) return found;
    var made = document.createElement("option");
    made.value = value;
    made.textContent = text;
    session.appendChild(made);
    return made;
  }

  function today() {
    return phone.queue.isoWithOffset(new Date()).slice(0, 10);
  }

  // Today's session started on this phone: still waiting (the contact names the entry), or sent
  // since this page was kept (its new id, which the kept page may not list yet).
  function offerSessions() {
    return Promise.all([phone.queue.entries(), phone.store.all("meta")]).then(function (found) {
      var waiting = found[0].filter(function (e) { return e.kind === "session" && e.body.date === today(); });
      var sent = found[1].filter(function (m) { return m.name.indexOf("session:") === 0; });
      sent.forEach(function (m) {
        if (m.date < today()) {
          // Kept while a contact still waits to learn this session's id.
          var needed = found[0].some(function (e) { return "session:" + e.session_entry === m.name; });
          if (!needed) phone.store.remove("meta", m.name);
          return;
        }
        var sentOption = option(m.id, m.area + " (" + m.date.split("-").reverse().join("/") + ")");
        if (!editing && !session.value) sentOption.selected = true;
      });
      waiting.forEach(function (entry) {
        var o = option("queued:" + entry.key, "Today's session (waiting to send)");
        if (!editing) o.selected = true;
      });
    });
  }

  function resetForm() {
    // The session carries over; the place does not (the next one may be somewhere else).
    var keep = { session: session.value };
    form.reset();
    Object.keys(keep).forEach(function (name) { f.write(form, name, keep[name]); });
    f.clearErrors(form, top);
    form.querySelector("[data-more]").open = false;
    editing = null;
    at.removeAttribute("data-original");
    discardButton.hidden = true;
    chosen = null;
    form.elements.client.value = "";
    if (location.search) history.replaceState(null, "", location.pathname + (params.get("sighting") ? "?sighting=1" : ""));
    setMode(params.get("sighting") ? "sighting" : "person");
  }

  function check() {
    if (mode === "person" && !form.elements.client.value) {
      return { client: ["Choose the person from the list, or log an unidentified sighting."] };
    }
    if (mode === "sighting" && !form.elements.description.value.trim()) {
      return { description: ["Describe the person: clothes, build, dog, belongings."] };
    }
    return null;
  }

  function body(pressed) {
    var time = at.value;
    var original = at.getAttribute("data-original");
    var number = function (v) { return v === "" || v === undefined ? null : Number(v); };
    var data = {
      client: mode === "person" ? number(form.elements.client.value) : null,
      at: !time ? phone.queue.isoWithOffset(pressed)
        : original && time === f.localInput(original) ? original
        : phone.queue.isoWithOffset(new Date(time)),
      kind: f.read(form, "kind"),
      bedded_down: f.read(form, "bedded_down"),
      verification: f.read(form, "verification"),
      engagement: f.read(form, "engagement"),
      location: form.elements.location.value,
      hotspot: number(form.elements.hotspot.value),
      latitude: form.elements.latitude.value || null,
      longitude: form.elements.longitude.value || null,
      needs_observed: f.read(form, "needs_observed"),
      notes: form.elements.notes.value,
      sensitive: f.read(form, "sensitive"),
      session: null,
    };
    if (mode === "sighting") data.description = form.elements.description.value.trim();
    return data;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (saving) return;  // a second tap while the first is being saved
    var pressed = new Date();
    var problems = check();
    if (problems) {
      f.showErrors(form, top, problems, LABELS);
      return;
    }
    var entry = editing || { kind: "contact", url: "/api/contacts/", page: "/outreach/log/" };
    entry.body = body(pressed);
    entry.labels = LABELS;
    entry.saved_at = entry.saved_at || phone.queue.isoWithOffset(pressed);
    delete entry.session_entry;
    if (session.value.indexOf("queued:") === 0) entry.session_entry = session.value.slice(7);
    else entry.body.session = session.value ? Number(session.value) : null;
    var description = entry.body.description || "";
    entry.label = mode === "person"
      ? "Contact: " + (chosen ? phone.people.shortName(chosen) : "person " + entry.body.client)
      : "Sighting: " + (description.length > 40 ? description.slice(0, 39) + "…" : description);
    saving = true;
    saveButton.disabled = true;
    phone.queue.save(entry).then(function () {
      saved.textContent = "Saved on this phone: " + entry.label + ".";
      saved.hidden = false;
      resetForm();
      window.scrollTo(0, 0);
      saving = false;
      saveButton.disabled = false;
      return phone.queue.send().then(function (result) {
        // Said only once MARS has it.
        if (result && result.sentKeys && result.sentKeys.indexOf(entry.key) !== -1 &&
            saved.textContent === "Saved on this phone: " + entry.label + ".") {
          saved.textContent = "Sent to MARS: " + entry.label + ".";
        }
      });
    }, function (error) {
      saving = false;
      saveButton.disabled = false;
      var text = error && error.signedOut ? phone.queue.SIGNED_OUT + "."
        : "Not saved on this phone: " + ((error && (error.message || error.name)) || "the phone's storage refused it") +
          ". What you typed is still here: try Save again.";
      f.showErrors(form, top, { detail: [text] });
    });
  });

  search.addEventListener("input", showResults);
  form.querySelector("[data-to-sighting]").addEventListener("click", function () {
    setMode("sighting");
    form.elements.description.focus();
  });
  form.querySelector("[data-to-person]").addEventListener("click", function () {
    setMode("person");
    search.focus();
  });
  form.querySelector("[data-change-person]").addEventListener("click", function () {
    chosen = null;
    form.elements.client.value = "";
    setMode("person");
    search.focus();
  });
  discardButton.addEventListener("click", function () {
    if (!editing || !window.confirm("Discard “" + editing.label + "”? What was typed in it will be deleted from this phone.")) return;
    var label = editing.label;
    phone.queue.discard(editing.key).then(function () {
      resetForm();
      saved.textContent = "Discarded: " + label + ".";
      saved.hidden = false;
    });
  });
  document.addEventListener("mars-phone-people", loadPeople);

  function correct(entry) {
    if (entry === false) {
      f.showErrors(form, top, { detail: ["That entry is no longer on this phone: it was sent or discarded."] });
      return;
    }
    if (entry.kind !== "contact") {
      location.replace(entry.page + "?entry=" + encodeURIComponent(entry.key));
      return;
    }
    editing = entry;
    discardButton.hidden = false;
    var data = entry.body;
    Object.keys(data).forEach(function (name) {
      if (["client", "at", "session"].indexOf(name) === -1) f.write(form, name, data[name]);
    });
    at.value = f.localInput(data.at);
    at.setAttribute("data-original", data.at);
    if (entry.session_entry) option("queued:" + entry.session_entry, "Today's session (waiting to send)").selected = true;
    else if (data.session) option(data.session, "Session " + data.session).selected = true;
    else session.value = "";
    if (data.client) {
      var person = people.filter(function (p) { return p.id === data.client; })[0];
      choose(person || { id: data.client, reference: "", first_name: entry.label.replace(/^Contact: /, ""), last_name: "" });
      setMode("person");
    } else {
      setMode("sighting");
    }
    f.showErrors(form, top, entry.errors || {}, LABELS);
  }

  // ?q= (the outreach home's search box) starts the search; with a signal, the whole list of
  // people is a link away.
  function offerAllPeople() {
    if (!allPeople) return;
    allPeople.hidden = !navigator.onLine;
    allPeople.href = "/people/" + (search.value.trim() ? "?q=" + encodeURIComponent(search.value.trim()) : "");
  }

  if (params.get("q")) search.value = params.get("q");
  search.addEventListener("input", offerAllPeople);
  window.addEventListener("online", offerAllPeople);
  window.addEventListener("offline", offerAllPeople);
  offerAllPeople();

  setMode(mode);
  loadPeople()
    .then(offerSessions)
    .then(function () { return f.wanted(); })
    .then(function (entry) {
      if (entry !== null) return correct(entry);
      if (params.get("client")) return preselect(params.get("client"));
    });
})();
