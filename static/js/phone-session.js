// "Start today's session" on the phone: queued like a contact (phone-queue.js) and sent to
// POST /api/outreach-sessions/. The date and start time are the phone's at Save unless the worker
// set them. Contacts logged while it waits carry it (phone-log.js). ?entry=<key> opens a refused
// session to correct or discard.
(function () {
  "use strict";
  var phone = window.MarsPhone;
  var form = document.querySelector("[data-phone-session]");
  if (!form) return;
  var f = phone.form;
  var top = document.querySelector("[data-form-errors]");
  var saved = document.querySelector("[data-phone-saved]");
  var discardButton = form.querySelector("[data-discard]");
  var date = form.elements.date;
  var start = form.elements.start_time;
  var touched = { date: false, start_time: false };
  var editing = null;
  var saveButton = form.querySelector("button[type=submit]");
  var saving = false;

  form.hidden = false;

  function now() {
    var iso = phone.queue.isoWithOffset(new Date());
    return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
  }

  function fillNow() {
    var n = now();
    if (!touched.date) date.value = n.date;
    if (!touched.start_time) start.value = n.time;
  }

  date.addEventListener("input", function () { touched.date = true; });
  start.addEventListener("input", function () { touched.start_time = true; });

  function body() {
    var ids = function (name) { return (f.read(form, name) || []).map(Number); };
    return {
      date: date.value,
      start_time: start.value,
      end_time: form.elements.end_time.value || null,
      area: form.elements.area.value.trim(),
      staff: ids("staff"),
      partners: ids("partners"),
      other_partners: form.elements.other_partners.value,
      notes: form.elements.notes.value,
    };
  }

  function check(data) {
    var problems = {};
    if (!data.area) problems.area = ["Say where the session goes."];
    if (!data.staff.length) problems.staff = ["Choose who is on the session."];
    return Object.keys(problems).length ? problems : null;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (saving) return;  // a second tap while the first is being saved
    fillNow();
    var data = body();
    var problems = check(data);
    if (problems) {
      f.showErrors(form, top, problems, f.labels(form));
      return;
    }
    var entry = editing || { kind: "session", url: "/api/outreach-sessions/", page: "/outreach/sessions/start/" };
    entry.body = data;
    entry.labels = f.labels(form);
    entry.saved_at = entry.saved_at || phone.queue.isoWithOffset(new Date());
    entry.label = "Session: " + data.area;
    saving = true;
    saveButton.disabled = true;
    phone.queue.save(entry).then(function () {
      saved.textContent = "Saved on this phone: " + entry.label + ". Sending…";
      saved.hidden = false;
      return phone.queue.send().then(function () {
        location.assign("/outreach/");
      });
    }, function (error) {
      saving = false;
      saveButton.disabled = false;
      var text = error && error.signedOut ? phone.queue.SIGNED_OUT + "."
        : "Not saved on this phone: " + ((error && (error.message || error.name)) || "the phone's storage refused it") +
          ". What you typed is still here: try again.";
      f.showErrors(form, top, { detail: [text] });
    });
  });

  discardButton.addEventListener("click", function () {
    if (!editing || !window.confirm("Discard “" + editing.label + "”? What was typed in it will be deleted from this phone.")) return;
    phone.queue.discard(editing.key).then(function () { location.replace("/outreach/"); });
  });

  f.wanted().then(function (entry) {
    if (entry === null) return fillNow();
    if (entry === false) {
      f.showErrors(form, top, { detail: ["That entry is no longer on this phone: it was sent or discarded."] });
      return fillNow();
    }
    editing = entry;
    touched = { date: true, start_time: true };
    Object.keys(entry.body).forEach(function (name) { f.write(form, name, entry.body[name]); });
    discardButton.hidden = false;
    document.querySelector("h1").textContent = "Correct and send again";
    f.showErrors(form, top, entry.errors || {}, f.labels(form));
  });
})();
