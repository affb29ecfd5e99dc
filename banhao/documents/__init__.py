"""文书: official notices (受理通知书, 不予受理通知书, 补正材料通知书…) rendered as PDF.

No models and no templates: ``pdf.render_notice`` turns a plain ``Notice`` into PDF bytes with
the vendored WenQuanYi Micro Hei font embedded; ``notices`` builds the bureau's notices from
plain values.
"""
