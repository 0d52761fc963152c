// Behaviour the console's pages ask for with data attributes, so no page needs inline script (the
// Content-Security-Policy forbids it): confirm before a button acts, submit a form when a select changes,
// tick every box of a list at once.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
  if (event.target.matches("[data-check-all]")) {
    document.querySelectorAll(`input[name="${event.target.dataset.checkAll}"]`)
      .forEach((box) => { box.checked = event.target.checked; });
  }
});
