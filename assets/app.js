// Bookcase's small layer of JavaScript on top of htmx: keyboard handling, focus after swaps,
// toasts, and telling the reader when the server cannot be reached. Everything here is an
// enhancement; every page works without it.
(function () {
  'use strict';

  var handled = new WeakSet();

  function focusIfLost(el) {
    var active = document.activeElement;
    if (el && (!active || active === document.body || !active.isConnected)) {
      el.focus();
    }
  }

  function rowFor(id) {
    return document.getElementById('book-' + id);
  }

  // Put a restored row back where it belongs among the rows shown (newest first). A row older
  // than every row shown belongs to a page not loaded yet, which will bring it.
  function placeRow(row) {
    var list = row.parentElement;
    if (!list) return;
    var id = Number(row.dataset.id);
    document.querySelectorAll('[id="' + row.id + '"]').forEach(function (other) {
      if (other !== row) other.remove();
    });
    var rows = list.querySelectorAll(':scope > tr[data-id]');
    for (var i = 0; i < rows.length; i++) {
      if (rows[i] !== row && Number(rows[i].dataset.id) < id) {
        list.insertBefore(row, rows[i]);
        return;
      }
    }
    var more = document.getElementById('load-more');
    if (more) {
      row.remove();
    } else {
      list.appendChild(row);
    }
  }

  // Undo swaps the restored row in at the top of the list. Move it to its place in the same task,
  // before the browser paints it, rather than in afterSettle, which would show it at the top for
  // the settle delay and then make it jump.
  document.addEventListener('htmx:afterSwap', function (e) {
    var elt = e.detail && e.detail.requestConfig && e.detail.requestConfig.elt;
    if (!(elt instanceof Element) || elt.dataset.action !== 'undo') return;
    var row = rowFor(elt.dataset.id);
    if (row) placeRow(row);
  });

  // After a swap, put the focus where the reader expects it. htmx already focuses [autofocus]
  // inputs (edit rows, the new-book row, the first invalid field).
  document.addEventListener('htmx:afterSettle', function (e) {
    var d = e.detail;
    if (!d || !d.xhr || handled.has(d.xhr)) return;
    handled.add(d.xhr);
    // htmx fires afterSettle on each element it swapped in, with detail.elt set to that element;
    // the element that made the request (the button or form whose action we act on) is
    // requestConfig.elt. It is usually out of the document by now, but still inside its old row.
    var elt = d.requestConfig && d.requestConfig.elt;
    if (!(elt instanceof Element)) return;
    var row = elt.closest('tr[data-id]');
    var id = elt.dataset.id || (row && row.dataset.id);
    var action = elt.dataset.action ||
      (elt.matches('form[id^="edit-"]') ? 'save' : elt.closest('tr.load-more') ? 'more' : '');
    var current = id && rowFor(id);
    if (current && current.classList.contains('gone')) {
      focusIfLost(current.querySelector('button'));
      return;
    }
    switch (action) {
      case 'save':
      case 'cancel':
        if (current && !current.classList.contains('editing')) {
          focusIfLost(current.querySelector('[data-action="edit"]'));
        }
        break;
      case 'status':
        // The row was swapped in place: keep the focus on its status select.
        focusIfLost(current && current.querySelector('select[name="status"]'));
        break;
      case 'progress':
        // Ready for the next update; the select when the book is no longer being read.
        focusIfLost(current && (current.querySelector('input[name="progress"]') ||
          current.querySelector('select[name="status"]')));
        break;
      case 'delete':
        var toast = document.getElementById('undo-' + id);
        focusIfLost(toast && toast.querySelector('[data-action="undo"]'));
        break;
      case 'undo':
        // afterSwap has put the row in its place (or dropped it, when its page is not loaded).
        if (current && current.isConnected) focusIfLost(current.querySelector('[data-action="edit"]'));
        focusIfLost(document.getElementById('new-book-title'));
        break;
      case 'more':
        // The link is gone with its row: carry on from the first book it loaded, which is the
        // first row older than its cursor.
        var before = Number(new URL(elt.href, location.href).searchParams.get('before'));
        var rows = document.querySelectorAll('#book-list > tr[data-id]');
        for (var i = 0; i < rows.length; i++) {
          if (Number(rows[i].dataset.id) < before) {
            focusIfLost(rows[i].querySelector('a, button'));
            break;
          }
        }
        focusIfLost(document.querySelector('#load-more a'));
        break;
    }
  });

  // Forms that replace their own section (the book page, the shelves page) take the focused
  // control with them: put the focus back on the control with the same id in the new section.
  var focusedBefore = new WeakMap();
  document.addEventListener('htmx:beforeSwap', function (e) {
    var active = document.activeElement;
    if (e.detail && e.detail.xhr && active && active.id) focusedBefore.set(e.detail.xhr, active.id);
  });
  document.addEventListener('htmx:afterSettle', function (e) {
    var id = e.detail && e.detail.xhr && focusedBefore.get(e.detail.xhr);
    if (id) focusIfLost(document.getElementById(id));
  });

  // Saving or cancelling the in-place edit of the book page's main panel takes the focused field
  // with it: carry on from the Edit button. (Opening it focuses the [autofocus] title.)
  document.addEventListener('htmx:afterSettle', function (e) {
    var elt = e.detail && e.detail.requestConfig && e.detail.requestConfig.elt;
    if (elt instanceof Element && elt.closest('#book-main.editing')) {
      focusIfLost(document.getElementById('book-edit'));
    }
  });

  // Escape cancels an edit in place.
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    var target = e.target instanceof Element ? e.target : null;
    var editing = target && target.closest('tr.editing, #book-main.editing');
    if (editing) {
      e.preventDefault();
      var cancel = editing.querySelector('[data-action="cancel"]');
      if (cancel) cancel.click();
      return;
    }
    var toast = target && target.closest('.toast');
    if (toast) {
      e.preventDefault();
      dismiss(toast);
    }
  });

  // Dismiss buttons on toasts and on "this book is gone" rows.
  document.addEventListener('click', function (e) {
    var button = e.target instanceof Element ? e.target.closest('[data-dismiss]') : null;
    if (!button) return;
    var what = button.closest(button.dataset.dismiss === 'row' ? 'tr' : '.toast');
    if (what) dismiss(what);
  });

  function dismiss(el) {
    var next = document.getElementById('new-book-title');
    var hadFocus = el.contains(document.activeElement);
    if (el.id === 'offline') {
      el.hidden = true;
    } else {
      el.remove();
    }
    if (hadFocus && next) next.focus();
  }

  // Toasts with data-autoclose go away after that many milliseconds, unless the reader is
  // pointing at them or has focus inside them.
  function arm(toast) {
    var left = Number(toast.dataset.autoclose);
    if (!left || toast.dataset.armed) return;
    toast.dataset.armed = '1';
    var step = 250;
    var timer = setInterval(function () {
      if (!toast.isConnected) return clearInterval(timer);
      if (toast.matches(':hover, :focus-within')) return;
      left -= step;
      if (left <= 0) {
        clearInterval(timer);
        dismiss(toast);
      }
    }, step);
  }
  document.addEventListener('htmx:load', function (e) {
    var el = e.detail && e.detail.elt;
    if (!(el instanceof Element)) return;
    if (el.matches('.toast[data-autoclose]')) arm(el);
    el.querySelectorAll('.toast[data-autoclose]').forEach(arm);
  });

  // Problems talking to the server.
  function showToast(message) {
    var toast = document.createElement('div');
    toast.className = 'toast alert';
    toast.setAttribute('role', 'alert');
    toast.dataset.autoclose = '8000';
    var text = document.createElement('span');
    text.textContent = message;
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'close';
    close.dataset.dismiss = 'toast';
    close.setAttribute('aria-label', 'Dismiss');
    close.textContent = '×';
    toast.append(text, close);
    document.getElementById('toasts').appendChild(toast);
    arm(toast);
  }
  function offline(on) {
    var banner = document.getElementById('offline');
    if (banner) banner.hidden = !on;
  }
  document.addEventListener('htmx:sendError', function () { offline(true); });
  document.addEventListener('htmx:timeout', function () { offline(true); });
  document.addEventListener('htmx:responseError', function (e) {
    var xhr = e.detail && e.detail.xhr;
    var type = xhr && xhr.getResponseHeader('Content-Type') || '';
    var message = type.indexOf('text/plain') === 0 && xhr.responseText
      ? xhr.responseText
      : 'Something went wrong. Nothing was lost; please try again.';
    showToast(message);
  });
  document.addEventListener('htmx:afterRequest', function (e) {
    if (e.detail && e.detail.xhr && e.detail.xhr.status) offline(false);
  });

  // Send the CSRF token, when the page has one, with every htmx request.
  document.addEventListener('htmx:configRequest', function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) e.detail.headers['X-CSRF-Token'] = meta.content;
  });
})();
