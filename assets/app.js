// Bookcase's small layer of JavaScript on top of htmx: keyboard handling, focus after swaps,
// toasts, and telling the reader when the server cannot be reached. Everything here is an
// enhancement; every page works without it.
(function () {
  'use strict';

  // htmx's settings. 422 (validation) and 404 (gone) answers swap like successes, so the
  // server's message lands where the reader is looking; other errors do not swap and are
  // reported below. Indicator styles live in app.css, so htmx needs no inline style
  // (Content-Security-Policy). Set here rather than in a <meta name="htmx-config"> on every
  // page (0.7 KB of the library's 40, escaped): htmx reads its settings when the document is
  // ready, after this deferred script has run, and before it processes anything.
  if (window.htmx) {
    Object.assign(htmx.config, {
      responseHandling: [
        {code: '204', swap: false},
        {code: '[23]..', swap: true},
        {code: '422', swap: true},
        {code: '404', swap: true, error: false},
        {code: '[45]..', swap: false, error: true},
        {code: '...', swap: false}
      ],
      includeIndicatorStyles: false,
      allowEval: false,
      allowScriptTags: false,
      selfRequestsOnly: true,
      historyCacheSize: 0,
      timeout: 15000
    });
  }

  function focusIfLost(el) {
    var active = document.activeElement;
    if (el && (!active || active === document.body || !active.isConnected)) {
      el.focus();
    }
  }

  // The server owns order and focus: Undo's answer puts the row back beside its neighbour in the
  // view, and every answer marks what should get the focus with [autofocus], which htmx focuses
  // after the swap (the row's control that made the change, the first book "Load more" brought,
  // the Undo button of a delete's toast).

  // Enter in a select submits its form, as it does in a text field (browsers do nothing), so the
  // new-book row's status adds the book like its other fields; so does Enter on a checkbox of a
  // fact edited in place (the book page's shelves).
  document.addEventListener('keydown', function (e) {
    var box = e.target instanceof HTMLInputElement && e.target.type === 'checkbox' && e.target.closest('.fact.editing');
    if (e.key !== 'Enter' || e.defaultPrevented || !(e.target instanceof HTMLSelectElement || box)) return;
    var form = e.target.form;
    if (!form) return;
    e.preventDefault();
    form.requestSubmit();
  });

  // Ctrl+Enter (or Cmd+Enter) in the text area of a fact edited in place (the review, the notes)
  // saves it, as Enter does in a one-line field; Enter alone starts a new line.
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.defaultPrevented || !(e.target instanceof HTMLTextAreaElement)) return;
    var form = e.target.closest('.fact.editing form');
    if (!form) return;
    e.preventDefault();
    form.requestSubmit();
  });

  // The arrow keys move between the choices of a status menu (saving nothing: a click or Enter
  // saves), as they would in a native menu.
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    var menu = e.target instanceof Element && e.target.closest('.status-menu');
    if (!menu || e.defaultPrevented) return;
    var choices = Array.prototype.slice.call(menu.querySelectorAll('button[name="status"]'));
    var i = choices.indexOf(e.target);
    if (i < 0) return;
    e.preventDefault();
    var step = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : -1;
    choices[(i + step + choices.length) % choices.length].focus();
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

  // Escape cancels an edit in place, a status menu, or a reading's delete waiting to be confirmed.
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    var target = e.target instanceof Element ? e.target : null;
    var editing = target && target.closest('tr.editing, tr.choosing, form.reading.confirming, form.reading.editing, .fact.editing');
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
      return;
    }
    // Escape closes the header's menu (a phone's) and puts the focus back on its button.
    var menu = target && target.closest('details.menu[open]');
    if (menu) {
      e.preventDefault();
      menu.open = false;
      menu.querySelector('summary').focus();
    }
  });

  // The links in a library row's cells lead to pages of their own for the book (its status
  // menu, progress, rating, edit), which work without JavaScript; with it they open in the row
  // instead, as the server answers them for htmx. A click anywhere in the rating's cell opens
  // it. Delete, which leads to a page that asks first, deletes at once (the answer offers Undo):
  // its link is posted to, as that page's form posts. One listener, not an hx-get or hx-delete
  // on each link: fifty rows' were 3.9 KB of the first page's 40 KB (TestLibraryPageWeight). A
  // click with a modifier key or another button opens the page elsewhere, as links do.
  document.addEventListener('click', function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || !window.htmx) return;
    var cell = e.target instanceof Element ? e.target.closest('#book-list > tr.book:not(.editing, .choosing) > td') : null;
    var link = cell && (e.target.closest('a[href]') || (cell.cellIndex === 4 && cell.querySelector('a[href]')));
    if (!link || !cell.contains(link) || link.matches('[hx-get], [hx-delete]')) return;
    e.preventDefault();
    var verb = /\/delete$/.test(link.pathname) ? 'POST' : 'GET';
    htmx.ajax(verb, link.getAttribute('href'), {source: link, target: cell.parentElement, swap: 'outerHTML'});
  });

  // Dismiss buttons on toasts and on "this book is gone" rows.
  document.addEventListener('click', function (e) {
    var button = e.target instanceof Element ? e.target.closest('[data-dismiss]') : null;
    if (!button) return;
    var what = button.closest(button.dataset.dismiss === 'row' ? 'tr' : '.toast');
    if (what) dismiss(what);
  });

  // dismiss hides or removes a toast or row. Focus inside it goes with it, to the page, from
  // where the shortcuts carry on from the current book.
  function dismiss(el) {
    if (el.id === 'offline') {
      el.hidden = true;
    } else {
      el.remove();
    }
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
  // An error answer the server rendered for the element it replaces (Bookcase-Swap: a lookup the
  // catalogue could not answer, shown in the new-book row) is swapped in like a 422, not toasted.
  document.addEventListener('htmx:beforeSwap', function (e) {
    var xhr = e.detail && e.detail.xhr;
    if (xhr && xhr.status >= 400 && xhr.getResponseHeader('Bookcase-Swap') === 'true') {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
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

  // The service worker (served at /sw.js, so that its scope is every page) keeps the assets and
  // shows an offline page when the network fails; it is what lets a phone install Bookcase.
  // Without it (an insecure origin, a browser that refuses) everything works as before, so a
  // failure to register is of no consequence and not reported.
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch(function () {});
  }

  // Send the CSRF token, when the page has one, with every htmx request.
  document.addEventListener('htmx:configRequest', function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) e.detail.headers['X-CSRF-Token'] = meta.content;
  });
})();

// ---- Keyboard shortcuts --------------------------------------------------------------------
// "?" shows them all: the <dialog id="shortcuts"> that the layout renders on every signed-in page
// (views/shortcuts.templ, which is also the /shortcuts page without JavaScript). Single keys act at
// once; "g" waits for a second key. No shortcut acts while the reader types in a field, while
// Ctrl, Alt or Meta is held (the browser's keys keep working), or behind an open dialog; no single
// key deletes anything.
(function () {
  'use strict';

  var SEQUENCE_MS = 1500;
  var ROWS = '#book-list > tr[id^="book-"]';

  // The current row is kept by its book's id, not as an element: htmx replaces rows (edit, save,
  // cancel, status) and adds them (new books, "Load more"), and the id survives every swap. Its
  // place among the rows is kept too, for when the book goes (deleted): the next key carries on
  // from there, whatever the order of the view.
  var currentId = '';
  var currentIndex = -1;
  var pending = '';
  var pendingTimer = 0;
  var returnTo = null;

  function help() {
    return document.getElementById('shortcuts');
  }

  function typing(el) {
    return el instanceof Element && (el.isContentEditable || el.matches('input, textarea, select'));
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll(ROWS));
  }

  function rowById(id) {
    var row = id && document.getElementById('book-' + id);
    return row && row.matches(ROWS) ? row : null;
  }

  // The row the reader is in: the one holding the focus, else the one last marked.
  function currentRow() {
    var active = document.activeElement;
    return (active instanceof Element && active.closest(ROWS)) || rowById(currentId);
  }

  function mark(row) {
    document.querySelectorAll(ROWS + '.current').forEach(function (other) {
      if (other === row) return;
      other.classList.remove('current');
      other.removeAttribute('aria-current');
    });
    currentId = row ? row.id.slice('book-'.length) : '';
    currentIndex = row ? rows().indexOf(row) : -1;
    if (!row) return;
    row.classList.add('current');
    row.setAttribute('aria-current', 'true');
  }

  // Make row current and move the focus into it, so a screen reader follows: to its title link,
  // or to the row itself when it has none (an edit row, whose inputs would swallow the next key).
  function goTo(row) {
    mark(row);
    var target = row.querySelector('.title a');
    if (!target) {
      row.tabIndex = -1;
      target = row;
    }
    target.focus({preventScroll: true});
    row.scrollIntoView({block: 'nearest'});
  }

  function move(step) {
    var list = rows();
    if (!list.length) return;
    var i = list.indexOf(currentRow());
    var next;
    if (i >= 0) {
      next = i + step;
    } else if (currentId && currentIndex >= 0) {
      // The current book has gone (deleted): carry on from where it was.
      next = step > 0 ? currentIndex : currentIndex - 1;
    } else {
      next = 0;
    }
    if (next >= list.length) {
      loadMore();
      return;
    }
    goTo(list[Math.max(next, 0)]);
  }

  // Past the last row shown, j loads the next page, whose first book comes marked for the focus
  // (autofocus); focusin then makes it the current row.
  function loadMore() {
    var more = document.querySelector('#load-more a');
    if (!more) return;
    more.focus({preventScroll: true});
    more.click();
  }

  function openHelp() {
    var dialog = help();
    if (!dialog || dialog.open) return;
    returnTo = document.activeElement;
    dialog.showModal();
    var close = dialog.querySelector('[data-action="close-shortcuts"]');
    if (close) close.focus();
  }

  function clearPending() {
    pending = '';
    clearTimeout(pendingTimer);
  }

  function focusField(el) {
    el.focus();
    if (typeof el.select === 'function') el.select();
  }

  // The single-key shortcuts. Each returns false when it did nothing, so the key keeps its
  // ordinary meaning.
  var keys = {
    '?': function () { openHelp(); },
    '/': function () {
      var search = document.getElementById('search');
      if (search) return focusField(search);
      if (location.pathname === '/books') return false;
      location.assign('/books#search');
    },
    'n': function () {
      var title = document.getElementById('new-book-title');
      if (!title) {
        location.assign('/books#new-book-title');
        return;
      }
      openNewBook();
      title.focus();
      title.setSelectionRange(title.value.length, title.value.length);
    },
    'p': function () {
      var row = currentRow();
      var progress = row && row.querySelector('a.pg');
      if (!progress) return false;
      progress.click();
    },
    'j': function () { move(1); },
    'k': function () { move(-1); },
    'e': function () {
      var row = currentRow();
      var edit = row && row.querySelector('a[href$="/edit"]');
      if (!edit) return false;
      edit.click();
    },
    'o': function () {
      var row = currentRow();
      var link = row && row.querySelector('.title a');
      if (!link) return false;
      link.click();
    },
    'r': function () {
      var row = currentRow();
      var rating = row && row.querySelector('td:nth-child(5) > a');
      if (!rating) return false;
      rating.click();
    },
    'Escape': function () {
      if (!currentId) return false;
      mark(null);
    },
    'g': function () {
      pending = 'g';
      pendingTimer = setTimeout(clearPending, SEQUENCE_MS);
    },
  };

  document.addEventListener('keydown', function (e) {
    var dialog = help();
    if (!dialog || e.defaultPrevented || e.isComposing || e.key === 'Shift') return;
    if (e.ctrlKey || e.metaKey || e.altKey) {
      clearPending();
      return;
    }
    if (dialog.open) {
      // The dialog closes itself on Escape; "?" toggles it.
      if (e.key === '?') {
        e.preventDefault();
        dialog.close();
      }
      return;
    }
    if (document.querySelector('dialog[open]')) return;
    if (typing(e.target)) {
      // Escape leaves a field, so the shortcuts work again. What was typed stays; a search box with text clears it first.
      var field = e.target;
      if (e.key === 'Escape' && !field.matches('select') && !(field.type === 'search' && field.value)) {
        field.blur();
      }
      return;
    }

    if (pending) {
      // The second key of "g …": go where the overlay's matching link goes, or drop the sequence.
      clearPending();
      e.preventDefault();
      var link = dialog.querySelector('[data-go="' + CSS.escape(e.key) + '"]');
      if (link) location.assign(link.href);
      return;
    }
    var key = e.key;
    if (key === 'Enter') {
      // On a link or a button Enter already does what it should; elsewhere it opens the book.
      if (e.target !== document.body && !(e.target instanceof Element && e.target.matches(ROWS))) return;
      key = 'o';
    }
    var action = Object.prototype.hasOwnProperty.call(keys, key) && keys[key];
    // Prevent the default before acting: a key that moves the focus into a field must not then
    // type itself there.
    if (action && action() !== false) e.preventDefault();
  });

  // The row with the focus is the current row, however the focus got there (Tab, a click, the
  // focus handling after a swap).
  document.addEventListener('focusin', function (e) {
    var row = e.target instanceof Element && e.target.closest(ROWS);
    if (row) mark(row);
  });

  // A swapped-in row loses the marker: give it back to the row with the current id. This runs
  // after htmx has settled, which restores each new element's own class attribute.
  document.addEventListener('htmx:afterSettle', function () {
    var row = rowById(currentId);
    if (row && !row.classList.contains('current')) mark(row);
  });

  // Closing the overlay (Escape, Close, "?", a click outside it) puts the focus back. The close
  // event comes a task after the dialog closed, and keys pressed meanwhile (Chrome runs input
  // first) may have moved the focus already: j to a row, n to the title. Those win.
  document.addEventListener('close', function (e) {
    if (e.target !== help()) return;
    var back = returnTo;
    returnTo = null;
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected && !help().contains(active)) return;
    if (back && back.isConnected && back !== document.body) {
      back.focus();
    } else {
      var row = rowById(currentId);
      if (row) goTo(row);
    }
  }, true);

  document.addEventListener('click', function (e) {
    var dialog = help();
    if (!dialog || !(e.target instanceof Element)) return;
    if (e.target === dialog) {
      dialog.close(); // a click on the backdrop
      return;
    }
    // With JavaScript the footer's "Keyboard shortcuts" link opens the overlay in place.
    if (e.target.closest('a[data-action="shortcuts"]')) {
      e.preventDefault();
      openHelp();
    }
  });

  // A cover can also be dropped on its section of a book's page, or pasted anywhere on the page
  // but in a field: the picture goes into the section's file input and its form is sent, as if
  // chosen and uploaded (the server checks it as it checks any). The bar shows the upload's progress.
  function coverForm() {
    return document.querySelector('#book-cover form.cover-form');
  }

  function sendCover(file) {
    var form = coverForm();
    if (!form || !file || !/^image\//.test(file.type)) return false;
    var files = new DataTransfer();
    files.items.add(file);
    form.querySelector('input[type=file]').files = files.files;
    // A section just swapped in is bound by htmx a moment later: bind it now, or the form
    // would be sent as a plain form and the page reloaded.
    htmx.process(form);
    form.requestSubmit();
    return true;
  }

  function coverZone(e) {
    return e.target instanceof Element && e.target.closest('#book-cover');
  }

  document.addEventListener('dragover', function (e) {
    var zone = coverZone(e);
    if (!zone || !e.dataTransfer || Array.prototype.indexOf.call(e.dataTransfer.types, 'Files') < 0) return;
    e.preventDefault(); // this is where a picture may be dropped
    zone.classList.add('dropping');
  });
  document.addEventListener('dragleave', function (e) {
    var zone = coverZone(e);
    if (zone && !zone.contains(e.relatedTarget)) zone.classList.remove('dropping');
  });
  document.addEventListener('drop', function (e) {
    var zone = coverZone(e);
    if (!zone) return;
    zone.classList.remove('dropping');
    if (e.dataTransfer && e.dataTransfer.files.length && sendCover(e.dataTransfer.files[0])) e.preventDefault();
  });
  document.addEventListener('paste', function (e) {
    if (!coverForm() || typing(e.target) || !e.clipboardData) return;
    var files = Array.prototype.filter.call(e.clipboardData.files, function (f) { return /^image\//.test(f.type); });
    if (files.length && sendCover(files[0])) e.preventDefault();
  });
  document.addEventListener('htmx:xhr:progress', function (e) {
    var bar = coverZone(e) && document.getElementById('cover-progress');
    if (!bar || !e.detail.lengthComputable) return;
    bar.hidden = false;
    bar.value = Math.round(100 * e.detail.loaded / e.detail.total);
  });

  // The new-book row offers Look up once its title holds what looks like an ISBN (10 or 13
  // digits, hyphens or spaces between them, perhaps an "ISBN" label); the server checks the check
  // digit. Enter in the title looks an ISBN up all the same, and without JavaScript the button is
  // always there. Hidden, it is out of the Tab order of a plain add.
  function looksLikeISBN(s) {
    s = s.trim().replace(/^isbn(-1[03])?:?\s*/i, '');
    if (!/^[0-9][0-9 -]*[0-9xX]$/.test(s)) return false;
    var n = s.replace(/[ -]/g, '').length;
    return n === 10 || n === 13;
  }
  function offerLookup() {
    var title = document.getElementById('new-book-title');
    var lookup = document.getElementById('new-book-lookup');
    if (title && lookup) lookup.hidden = !looksLikeISBN(title.value);
  }
  document.addEventListener('input', function (e) {
    if (e.target instanceof Element && e.target.id === 'new-book-title') offerLookup();
  });
  document.addEventListener('htmx:load', offerLookup);
  offerLookup();

  // On a phone the new-book row waits behind the Add button (app.css; without JavaScript the
  // button is a link to the row, which shows it as the page's target): open it and go to its title.
  function openNewBook() {
    var row = document.getElementById('new-book-row');
    if (row && row.parentElement) row.parentElement.classList.add('open');
  }
  document.addEventListener('click', function (e) {
    var link = e.target instanceof Element && e.target.closest('a[data-action="add"], a[data-action="search"]');
    if (!link) return;
    var field = document.getElementById(link.dataset.action === 'add' ? 'new-book-title' : 'search');
    if (!field) return;
    e.preventDefault();
    if (link.dataset.action === 'add') openNewBook();
    focusField(field);
  });

  // "/" and "n" on another page lead to /books#search or /books#new-book-title: focus that field.
  var target = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
  if (target && typing(target)) {
    if (target.id === 'new-book-title') openNewBook();
    focusField(target);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
})();

// ---- The star rating control (views/rating.templ) -------------------------------------------
// The radios underneath do the work and are what a screen reader announces. Choosing is not
// saving: the arrow keys move by half a star, 1 to 5 choose whole stars, 0, Delete or Backspace
// no rating, Home and End the ends, and none of them saves, so a reader can pass 2 and 3 on the
// way to 4 without the book being rated 2 and 3 (the status select's mistake, issue 11). Enter or
// Space saves the choice, and so does leaving the control (the choice a reader can see is the one
// kept); Escape puts back the rating saved. A click or tap on a star is a deliberate choice and
// saves at once.
(function () {
  'use strict';

  document.documentElement.classList.add('js');

  function control(el) {
    return el instanceof Element ? el.closest('form.stars') : null;
  }
  function radios(form) {
    return Array.prototype.slice.call(form.querySelectorAll('input[name="rating"]'));
  }
  function chosen(form) {
    var on = form.querySelector('input[name="rating"]:checked');
    return on ? on.value : '';
  }
  function mark(form) {
    form.classList.toggle('unsaved', chosen(form) !== (form.dataset.saved || ''));
  }
  function choose(form, radio) {
    if (!radio) return;
    radio.checked = true;
    radio.focus();
    mark(form);
  }
  function save(form) {
    if (form.dataset.sending || chosen(form) === (form.dataset.saved || '')) return;
    form.dataset.sending = '1';
    form.requestSubmit();
  }

  // The keys' instructions are for readers with JavaScript, whose keys they describe.
  function describe(root) {
    if (!(root instanceof Element)) return;
    var forms = root.matches('form.stars') ? [root] : root.querySelectorAll('form.stars');
    Array.prototype.forEach.call(forms, function (form) {
      var hint = form.querySelector('.hint');
      var group = form.querySelector('fieldset');
      if (!hint || !group) return;
      var ids = (group.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      if (ids.indexOf(hint.id) < 0) group.setAttribute('aria-describedby', [hint.id].concat(ids).join(' '));
    });
  }
  document.addEventListener('htmx:load', function (e) { describe(e.detail && e.detail.elt); });

  document.addEventListener('keydown', function (e) {
    var form = control(e.target);
    if (!form || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || !e.target.matches('input[name="rating"]')) return;
    var all = radios(form);
    var i = all.indexOf(e.target);
    var next;
    switch (e.key) {
      case 'ArrowRight': case 'ArrowDown': next = all[Math.min(i + 1, all.length - 1)]; break;
      case 'ArrowLeft': case 'ArrowUp': next = all[Math.max(i - 1, 0)]; break;
      case 'Home': case '0': case 'Delete': case 'Backspace': next = all[0]; break;
      case 'End': next = all[all.length - 1]; break;
      case '1': case '2': case '3': case '4': case '5':
        next = form.querySelector('input[name="rating"][value="' + e.key + '"]'); break;
      case 'Enter': case ' ':
        e.preventDefault();
        save(form);
        return;
      case 'Escape':
        // A library row's control closes on Escape (its Cancel), which puts the rating back.
        if (form.querySelector('[data-action="cancel"]') || !form.classList.contains('unsaved')) return;
        e.preventDefault();
        choose(form, form.querySelector('input[name="rating"][value="' + CSS.escape(form.dataset.saved || '') + '"]'));
        return;
      default:
        return;
    }
    e.preventDefault();
    choose(form, next);
  }, true); // before the shortcuts, whose Escape leaves the field (which would save the choice)

  // A change the keys above did not make is a click or a tap (or Space on a radio not chosen).
  document.addEventListener('change', function (e) {
    var form = control(e.target);
    if (!form) return;
    mark(form);
    save(form);
  });

  // A save that failed (the server unreachable) may be tried again.
  document.addEventListener('htmx:afterRequest', function (e) {
    var form = e.detail && e.detail.elt;
    if (form instanceof Element && form.matches('form.stars') && form.isConnected) delete form.dataset.sending;
  });

  // Cancel (a click, or Escape in a library row) closes the control without saving.
  document.addEventListener('click', function (e) {
    var form = control(e.target);
    if (form && e.target.closest('[data-action="cancel"]')) form.dataset.sending = 'cancelled';
  }, true);

  document.addEventListener('focusout', function (e) {
    var form = control(e.target);
    if (!form || !form.isConnected || (e.relatedTarget instanceof Node && form.contains(e.relatedTarget))) return;
    save(form);
  });
})();
// ---- end of the star rating control ----

// ---- the time zone form: offer the browser's own zone ----
// The settings page's time zone form has a hidden button; with JavaScript, it shows the
// browser's time zone and puts it in the field when pressed (the reader then saves).
(function () {
  function offer() {
    var button = document.querySelector('[data-action="browser-zone"]');
    if (!button) return;
    var zone = '';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { return; }
    if (!zone) return;
    button.textContent = 'Use this browser’s: ' + zone;
    button.dataset.zone = zone;
    button.hidden = false;
  }
  // The sign-up form sends the browser's zone, so a new reader's days are theirs from the start.
  function fill() {
    var zone = '';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { return; }
    document.querySelectorAll('input[data-browser-zone]').forEach(function (input) { input.value = zone; });
  }
  document.addEventListener('DOMContentLoaded', fill);
  document.addEventListener('DOMContentLoaded', offer);
  document.addEventListener('htmx:afterSettle', offer);
  document.addEventListener('click', function (e) {
    var button = e.target instanceof Element ? e.target.closest('[data-action="browser-zone"]') : null;
    var field = document.getElementById('field-time_zone');
    if (!button || !button.dataset.zone || !field) return;
    field.value = button.dataset.zone;
    field.focus();
  });
})();

// A reading calendar is one stop for Tab, as a grid is: the most recent day read takes the Tab,
// and the arrow keys move between the days read (Left and Up to the one before, Right and Down to
// the next; Home and End to the first and last). Without JavaScript every day read is a stop.
(function () {
  function days(svg) { return Array.prototype.slice.call(svg.querySelectorAll('a.day')); }
  function rove(svg, current) {
    days(svg).forEach(function (a) { a.setAttribute('tabindex', a === current ? '0' : '-1'); });
  }
  function init(root) {
    (root || document).querySelectorAll('svg[data-calendar]').forEach(function (svg) {
      var all = days(svg);
      if (all.length && !svg.querySelector('a.day[tabindex="0"]')) rove(svg, all[all.length - 1]);
    });
  }
  document.addEventListener('DOMContentLoaded', function () { init(document); });
  document.addEventListener('htmx:load', function (e) { init(e.detail && e.detail.elt); });
  document.addEventListener('keydown', function (e) {
    var day = e.target instanceof Element && e.target.closest('svg[data-calendar] a.day');
    if (!day || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    var svg = day.closest('svg'), all = days(svg), i = all.indexOf(day), next;
    switch (e.key) {
      case 'ArrowRight': case 'ArrowDown': next = all[Math.min(i + 1, all.length - 1)]; break;
      case 'ArrowLeft': case 'ArrowUp': next = all[Math.max(i - 1, 0)]; break;
      case 'Home': next = all[0]; break;
      case 'End': next = all[all.length - 1]; break;
      default: return;
    }
    e.preventDefault();
    rove(svg, next);
    next.focus();
  });
})();
