// The phone's list of people (GET /api/outreach/people-for-phone/): reference, names, known-as,
// aliases and the alerts that protect staff, for the people the team has seen lately. Fetched
// when a phone page opens online and the list is missing or over an hour old, and after a sync
// that sent something (a session started, a contact logged), kept until its keep_until (24 hours) and
// dropped on any page load after that. Also the search over it: the start of a first name, last
// name, known-as, alias or the reference.
(function () {
  "use strict";
  var phone = window.MarsPhone;
  var store = phone.store;
  var URL = "/api/outreach/people-for-phone/";

  // Each fetch is written to the access log with everyone on the list: fetched again only when
  // it is worth it (refreshIfOld), and given up after TIMEOUT_MS.
  var TIMEOUT_MS = 15000;
  var OLD_MS = 60 * 60 * 1000;

  function refresh() {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(URL, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      redirect: "manual",
      signal: controller.signal,
    }).then(function (response) {
      if (!response.ok || response.type === "opaqueredirect") return false;
      return response.json().then(function (list) {
        return store.transact(["people", "meta"], "readwrite", function (s) {
          s.people.clear();
          list.people.forEach(function (person) { s.people.put(person); });
          s.meta.put({ name: "people", fetched_at: list.fetched_at, keep_until: list.keep_until, days: list.days });
        }).then(function () {
          document.dispatchEvent(new CustomEvent("mars-phone-people"));
          return true;
        });
      });
    }).catch(function () { return false; }).finally(function () { clearTimeout(timer); });
  }

  // Fetched again only when there is none, or it is more than an hour old.
  function refreshIfOld() {
    return store.get("meta", "people").then(function (about) {
      if (about && Date.now() - Date.parse(about.fetched_at) < OLD_MS) return false;
      return refresh();
    });
  }

  function drop() {
    return store.transact(["people", "meta"], "readwrite", function (s) {
      s.people.clear();
      s.meta.delete("people");
    });
  }

  // The list as it may be used now: none once past its keep_until (then dropped).
  function current() {
    return store.get("meta", "people").then(function (about) {
      if (!about || !(Date.parse(about.keep_until) > Date.now())) {
        return drop().then(function () { return { about: null, people: [] }; });
      }
      return store.all("people").then(function (people) { return { about: about, people: people }; });
    });
  }

  function fold(text) {
    return (text || "")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/['’.]/g, "")
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }

  // The words a person can be found by: their names' words, and the reference with and
  // without its prefix and zeros ("MARS-000012", "000012", "12").
  function words(person) {
    var names = [person.first_name, person.last_name, person.known_as].concat(person.aliases || []);
    var found = [];
    names.forEach(function (name) { found = found.concat(fold(name).split(" ")); });
    var reference = fold(person.reference);
    found.push(reference.replace(/ /g, ""));
    var number = reference.split(" ").pop();
    found.push(number, number.replace(/^0+/, ""));
    return found.filter(Boolean);
  }

  // Everyone each of whose typed words starts one of their words.
  function search(people, query) {
    var typed = fold(query).split(" ").filter(Boolean);
    if (!typed.length) return [];
    return people.filter(function (person) {
      var theirs = words(person);
      return typed.every(function (word) {
        return theirs.some(function (their) { return their.indexOf(word) === 0; });
      });
    }).sort(function (a, b) {
      return (a.last_name + " " + a.first_name).localeCompare(b.last_name + " " + b.first_name);
    });
  }

  function name(person) {
    return [person.first_name, person.last_name].filter(Boolean).join(" ") || person.reference;
  }

  // As the worker says it: "Mick O'Brien" for Michael O'Brien known as Mick.
  function shortName(person) {
    return [person.known_as || person.first_name, person.last_name].filter(Boolean).join(" ") || person.reference;
  }

  phone.people = {
    refresh: refresh,
    refreshIfOld: refreshIfOld,
    current: current,
    search: search,
    name: name,
    shortName: shortName,
  };

  // On any page: a list past its time goes, whether or not a phone page is opened.
  store.exists().then(function (yes) { if (yes) current(); });
})();
