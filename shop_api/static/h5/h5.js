// The H5 storefront's behaviour, driven by data attributes (no inline script under the CSP).
document.addEventListener("change", (event) => {
  // Choosing a SKU shows its price.
  const input = event.target.closest("input[name=sku][data-price]");
  const price = document.querySelector("[data-price]:not(input)");
  if (input && price) price.textContent = input.dataset.price;
});
document.addEventListener("click", async (event) => {
  // Share: the phone's share sheet where there is one, else the link copied.
  const button = event.target.closest("[data-share]");
  if (!button) return;
  const data = {title: button.dataset.shareTitle || document.title, url: location.href};
  if (navigator.share) {
    try { await navigator.share(data); } catch (error) { /* the shopper closed the sheet */ }
    return;
  }
  await navigator.clipboard.writeText(data.url);
  button.textContent = button.dataset.copied;
});
// "Get a code": after sending, the button counts down the seconds before another may be asked for.
for (const button of document.querySelectorAll("[data-countdown]")) {
  let left = Number(button.dataset.countdown);
  if (!left) continue;
  const label = button.textContent;
  const tick = () => {
    if (left <= 0) { button.disabled = false; button.textContent = label; return; }
    button.disabled = true;
    button.textContent = button.dataset.countdownText.replace("{s}", left);
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}
