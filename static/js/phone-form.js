// Reading and filling the phone pages' forms (their field names are the API's), and showing the
// server's reasons for a refused entry beside the fields they name (else above the form).
(function () {
  "use strict";
  var phone = window.MarsPhone;

  function inputs(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
  }

  function read(form, name) {
    var els = inputs(form, name);
    if (!els.length) return undefined;
    var first = els[0];
    if (first.type === "radio") {
      var checked = els.filter(function (el) { return el.checked; })[0];
      return checked ? checked.value : "";
    }
    if (first.type === "checkbox") {
      if (els.length === 1 && first.value === "on") return first.checked;
      return els.filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
    }
    return first.value;
  }

  function write(form, name, value) {
    var els = inputs(form, name);
    if (!els.length) return;
    var first = els[0];
    if (first.type === "radio") {
      els.forEach(function (el) { el.checked = el.value === String(value); });
    } else if (first.type === "checkbox") {
      if (els.length === 1 && first.value === "on") first.checked = Boolean(value);
      else {
        var wanted = (value || []).map(String);
        els.forEach(function (el) { el.checked = wanted.indexOf(el.value) !== -1; });
      }
    } else {
      first.value = value === null || value === undefined ? "" : value;
    }
  }

  // The server's messages as lines: ["Enter a valid date."], or nested (a list's items).
  function lines(value) {
    if (value === null || value === undefined) return [];
    if (Array.isArray(value)) return value.reduce(function (all, v) { return all.concat(lines(v)); }, []);
    if (typeof value === "object") {
      return Object.keys(value).reduce(function (all, k) { return all.concat(lines(value[k])); }, []);
    }
    return [String(value)];
  }

  function list(messages, id) {
    var ul = document.createElement("ul");
    ul.className = "errorlist phone-error";
    if (id) ul.id = id;
    messages.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      ul.appendChild(li);
    });
    return ul;
  }

  function clearErrors(form, top) {
    Array.prototype.forEach.call(form.querySelectorAll(".phone-error"), function (el) { el.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (el) { el.classList.remove("has-error"); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
    top.textContent = "";
    top.hidden = true;
  }

  function summaryItem(text, href) {
    var li = document.createElement("li");
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      li.appendChild(a);
    } else {
      li.textContent = text;
    }
    return li;
  }

  // Each message beside its field, and all of them in the summary above the form, each linking
  // to its field; the summary gets the focus.
  function showErrors(form, top, errors, labels) {
    clearErrors(form, top);
    var summary = [];
    Object.keys(errors || {}).forEach(function (name) {
      var messages = lines(errors[name]);
      if (!messages.length) return;
      var label = phone.queue.labelFor(name, labels);
      var place = form.querySelector('[data-errors-for="' + name + '"]');
      var els = inputs(form, name);
      var field = els.length ? els[0].closest(".field") : null;
      var target = "";
      if (!place && field) {
        place = field.querySelector("legend, label") || field.firstChild;
        field.classList.add("has-error");
        var ul = list(messages, "error-" + name);
        place.insertAdjacentElement("afterend", ul);
        els.forEach(function (el) {
          el.setAttribute("aria-invalid", "true");
          el.setAttribute("aria-describedby", ((el.getAttribute("aria-describedby") || "").replace(/\s*error-\S+/g, "") + " error-" + name).trim());
        });
        var details = field.closest("details");
        if (details) details.open = true;
        target = els[0].id ? "#" + els[0].id : "";
      } else if (place) {
        place.appendChild(list(messages, "error-" + name));
        if (!place.id) place.id = "errors-for-" + name;
        target = "#" + place.id;
      }
      messages.forEach(function (text) {
        summary.push(summaryItem((label ? label + ": " : "") + text, target));
      });
    });
    if (!summary.length) return;
    var ul = document.createElement("ul");
    ul.className = "errorlist phone-summary";
    summary.forEach(function (li) { ul.appendChild(li); });
    top.appendChild(ul);
    top.hidden = false;
    top.setAttribute("tabindex", "-1");
    top.focus();
  }

  // "2026-12-01T06:12" for the phone's picker, from an ISO instant, in the phone's time.
  function localInput(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return "";
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  // The entry ?entry= names, if it is still on the phone.
  function wanted() {
    var key = new URLSearchParams(location.search).get("entry");
    if (!key) return Promise.resolve(null);
    return phone.store.get("queue", key).then(function (entry) { return entry || false; });
  }

  // Each field's label as the form shows it ({at: "When", ...}): kept with an entry, so its
  // refusal reads in the page's words wherever it is listed.
  function labels(form) {
    var found = {};
    Array.prototype.forEach.call(form.querySelectorAll("label[for], legend"), function (label) {
      var field = label.tagName === "LEGEND"
        ? label.parentNode.querySelector("[name]")
        : document.getElementById(label.getAttribute("for"));
      if (field && field.name && !found[field.name]) {
        found[field.name] = label.textContent.replace(/\s+/g, " ").replace(/[:*]\s*$/, "").trim();
      }
    });
    // A field with no label of its own (the person, a hidden id) names itself.
    Array.prototype.forEach.call(form.querySelectorAll("[name][data-label]"), function (field) {
      found[field.name] = field.getAttribute("data-label");
    });
    return found;
  }

  phone.form = {
    read: read,
    write: write,
    showErrors: showErrors,
    labels: labels,
    clearErrors: clearErrors,
    localInput: localInput,
    wanted: wanted,
  };
})();
