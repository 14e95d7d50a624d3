export function SiteFooter() {
  return (
    <footer class="w-full max-w-5xl mx-auto px-4 py-8 text-sm text-gray-600">
      <p>Prok is an open professional network. Anyone can run it.</p>
    </footer>
  );
}
